/**
 * One DynamoDB table exactly as a `tables` entry of the definition declares it: keys, GSIs, TTL.
 * On-demand capacity, point-in-time recovery and encryption at rest are not optional.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ConfigError } from '../../api/config-error.ts';
import type { KeyAttribute, TableDefinition } from '../../api/types.ts';

export interface DefinitionTableProps {
  /** The table's name in the definition (`api.tables.<name>`), used in messages. */
  readonly name: string;
  readonly definition: TableDefinition;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** A customer-managed key; without one the table uses the AWS-managed key (aws/dynamodb). @default AWS-managed */
  readonly encryptionKey?: kms.IKey;
}

const ATTRIBUTE_TYPES: Readonly<Record<KeyAttribute['type'], dynamodb.AttributeType>> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
};

function toAttribute(key: KeyAttribute): dynamodb.Attribute {
  return { name: key.name, type: ATTRIBUTE_TYPES[key.type] };
}

export class DefinitionTable extends Construct {
  readonly table: dynamodb.Table;
  /** ARNs of the table's GSIs (`<table arn>/index/<name>`), for IAM statements that Query them. */
  readonly indexArns: readonly string[];

  constructor(scope: Construct, id: string, props: DefinitionTableProps) {
    super(scope, id);
    const { definition, name } = props;
    if (definition.globalSecondaryIndexes.length > 20) {
      throw new ConfigError(`tables.${name}.globalSecondaryIndexes: DynamoDB allows at most 20. Received: ${definition.globalSecondaryIndexes.length}`);
    }
    for (const gsi of definition.globalSecondaryIndexes) {
      if (gsi.projection !== 'ALL') throw new ConfigError(`tables.${name}.globalSecondaryIndexes.${gsi.indexName}.projection: only ALL is supported. Received: ${String(gsi.projection)}`);
    }

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: toAttribute(definition.partitionKey),
      ...(definition.sortKey ? { sortKey: toAttribute(definition.sortKey) } : {}),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(props.encryptionKey
        ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.encryptionKey }
        : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
      ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      deletionProtection: (props.removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.RETAIN,
    });
    for (const gsi of definition.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: toAttribute(gsi.partitionKey),
        ...(gsi.sortKey ? { sortKey: toAttribute(gsi.sortKey) } : {}),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    this.indexArns = definition.globalSecondaryIndexes.map((gsi) => `${this.table.tableArn}/index/${gsi.indexName}`);
  }
}
