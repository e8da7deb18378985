/**
 * Upload completion (docs/ARCHITECTURE.md#upload-and-completion-path): S3 sends `Object Created` events of the asset bucket to EventBridge;
 * a rule matching the asset key prefix invokes the `bucket.onObjectCreated` Lambda, which calls the
 * IAM-only `completeUpload` mutation. No event is lost silently: EventBridge retries delivery and
 * then dead-letters, and Lambda's asynchronous invocation retries the function and then sends the
 * failed event to the same queue, whose depth raises an alarm.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ConfigError } from '../../api/config-error.ts';

export interface UploadCompletionProps {
  /** The asset bucket's name (events carry it in `detail.bucket.name`). */
  readonly bucketName: string;
  /** Only keys under `<keyPrefix>/` are assets. */
  readonly keyPrefix: string;
  /** The function that completes an upload. */
  readonly handler: lambda.IFunction;
  /** How long EventBridge and Lambda keep retrying an event. @default 6 hours */
  readonly maxEventAge?: Duration;
  /** EventBridge delivery attempts before dead-lettering (0-185). @default 50 */
  readonly deliveryRetryAttempts?: number;
  /** Lambda attempts after a function error (0-2). @default 2 */
  readonly functionRetryAttempts?: number;
}

export class UploadCompletion extends Construct {
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: UploadCompletionProps) {
    super(scope, id);
    const maxEventAge = props.maxEventAge ?? Duration.hours(6);
    const deliveryRetryAttempts = props.deliveryRetryAttempts ?? 50;
    const functionRetryAttempts = props.functionRetryAttempts ?? 2;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(props.keyPrefix)) throw new ConfigError(`bucket.keyPrefix: lower-case letters, digits and dashes only. Received: ${props.keyPrefix}`);
    if (!Number.isInteger(deliveryRetryAttempts) || deliveryRetryAttempts < 0 || deliveryRetryAttempts > 185) throw new ConfigError(`deliveryRetryAttempts: must be 0-185. Received: ${deliveryRetryAttempts}`);
    if (!Number.isInteger(functionRetryAttempts) || functionRetryAttempts < 0 || functionRetryAttempts > 2) throw new ConfigError(`functionRetryAttempts: must be 0-2. Received: ${functionRetryAttempts}`);
    if (maxEventAge.toSeconds() < 60 || maxEventAge.toSeconds() > 21600) throw new ConfigError(`maxEventAge: must be 1 minute to 6 hours (Lambda's limit). Received: ${maxEventAge.toSeconds()} seconds`);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      // SSE-SQS: EventBridge cannot send to a queue encrypted with the AWS-managed aws/sqs key.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the upload-completion rule target and of the Lambda asynchronous invocation; a DLQ of a DLQ would only move the problem.',
    });
    this.deadLetterAlarm = this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }).createAlarm(this, 'DeadLettersAlarm', {
      alarmDescription: 'Upload-completion events failed; assets stay PENDING until the events are replayed.',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    props.handler.configureAsyncInvoke({
      retryAttempts: functionRetryAttempts,
      maxEventAge,
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
    });

    this.rule = new events.Rule(this, 'ObjectCreatedRule', {
      description: `Asset bytes arrived under ${props.keyPrefix}/: complete the upload`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [props.bucketName] },
          object: { key: events.Match.prefix(`${props.keyPrefix}/`) },
        },
      },
    });
    this.rule.addTarget(new targets.LambdaFunction(props.handler, { deadLetterQueue: this.deadLetterQueue, retryAttempts: deliveryRetryAttempts, maxEventAge }));
  }
}
