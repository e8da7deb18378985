/**
 * Schema-aware operation generator for the fuzz test: from a seed, builds GraphQL requests whose
 * shape follows the schema (root fields, arguments of the right input types, selection sets down the
 * output types, aliases, fragments, directives, variables) and then, often, breaks them: wrong
 * scalar values, missing or extra arguments, unknown fields, and byte-level edits of the text.
 * The same seed always yields the same requests (mulberry32).
 */
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

/** mulberry32: small, fast and reproducible. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max) => Math.floor(next() * max),
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    chance: (p) => next() < p,
  };
}

export interface FuzzRequest {
  readonly query: string;
  readonly variables: Record<string, unknown>;
  /** What was done to the valid-shaped request, for the failure message. */
  readonly mutations: readonly string[];
}

const STRINGS = ['', 'a', 'hello.txt', '../../etc/passwd', '%2e%2e%2f', '\u0000', 'ｆｕｌｌ／ｗｉｄｔｈ', '💥'.repeat(10), 'x'.repeat(300), 'text/plain', 'text/html', 'image/svg+xml', '"quoted"', '\\', 'null', '{"a":1}'];
const INTS = [0, 1, -1, 5, 100, 101, 2147483647, -2147483648, 104857600, 104857601];
const WRONG_VALUES: readonly unknown[] = [null, true, 1.5, -0, 'str', [], {}, [1, [2]], { nested: { deep: true } }, 2 ** 53, '9'.repeat(40)];

function literal(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object') return `{ ${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${literal(v)}`).join(', ')} }`;
  return 'null';
}

export function createOperationGenerator(schema: GraphQLSchema, seed: number) {
  const random = createRandom(seed);

  function scalarValue(name: string): unknown {
    switch (name) {
      case 'Int':
        return random.pick(INTS);
      case 'Float':
        return random.pick([0, 1, 5, 1.5, -3, 1e300]);
      case 'Boolean':
        return random.chance(0.5);
      default:
        return random.pick(STRINGS);
    }
  }

  /** A value of `type` (valid most of the time; `mutations` records the broken ones). */
  function inputValue(type: GraphQLInputType, mutations: string[], depth = 0): unknown {
    if (random.chance(0.04)) {
      const wrong = random.pick(WRONG_VALUES);
      mutations.push(`wrong value ${JSON.stringify(wrong)} for ${String(type)}`);
      return wrong;
    }
    if (isNonNullType(type)) return inputValue(type.ofType, mutations, depth);
    if (!isNonNullType(type) && random.chance(0.05)) return null;
    if (isListType(type)) return Array.from({ length: random.int(depth > 2 ? 2 : 25) }, () => inputValue(type.ofType, mutations, depth + 1));
    if (isEnumType(type)) {
      if (random.chance(0.05)) {
        mutations.push(`unknown enum value for ${type.name}`);
        return 'NOT_A_VALUE';
      }
      return random.pick(type.getValues()).name;
    }
    if (isInputObjectType(type)) {
      const out: Record<string, unknown> = {};
      for (const field of Object.values(type.getFields())) {
        if (!isNonNullType(field.type) && random.chance(0.5)) continue;
        if (isNonNullType(field.type) && random.chance(0.03)) {
          mutations.push(`missing ${type.name}.${field.name}`);
          continue;
        }
        out[field.name] = inputValue(field.type, mutations, depth + 1);
      }
      if (random.chance(0.04)) {
        mutations.push(`extra field on ${type.name}`);
        out[random.pick(['owner', 'key', 'id', 'status', '__proto__'])] = random.pick(STRINGS);
      }
      return out;
    }
    if (isScalarType(type)) return scalarValue(type.name);
    return null;
  }

  function selection(type: GraphQLOutputType, depth: number, mutations: string[], fragments: string[]): string {
    const named = getNamedType(type);
    if (!isObjectType(named)) return '';
    const fields = Object.values(named.getFields());
    const chosen = fields.filter(() => random.chance(0.5));
    if (chosen.length === 0) chosen.push(random.pick(fields));
    const parts: string[] = [];
    for (const field of chosen) {
      const alias = random.chance(0.1) ? `a${random.int(1000)}: ` : '';
      const directive = random.chance(0.05) ? ` @${random.pick(['include', 'skip'])}(if: ${random.chance(0.5)})` : '';
      const inner = depth > 6 ? '' : selection(field.type, depth + 1, mutations, fragments);
      const args = field.args.length > 0 ? argumentList(field, mutations) : '';
      parts.push(`${alias}${field.name}${args}${directive}${inner === '' ? '' : ` ${inner}`}`);
    }
    if (random.chance(0.05)) {
      mutations.push(`unknown field on ${named.name}`);
      parts.push(random.pick(['secret', 'key', 'password', '__proto__', 'constructor']));
    }
    if (random.chance(0.1)) parts.push('__typename');
    if (random.chance(0.05)) {
      const name = `F${fragments.length}`;
      fragments.push(`fragment ${name} on ${named.name} { __typename }`);
      parts.push(`...${name}`);
    }
    return `{ ${parts.join(' ')} }`;
  }

  function argumentList(field: GraphQLField<unknown, unknown>, mutations: string[]): string {
    const args: string[] = [];
    for (const arg of field.args) {
      if (!isNonNullType(arg.type) && random.chance(0.5)) continue;
      if (isNonNullType(arg.type) && random.chance(0.03)) {
        mutations.push(`missing argument ${field.name}.${arg.name}`);
        continue;
      }
      args.push(`${arg.name}: ${literal(inputValue(arg.type, mutations))}`);
    }
    if (random.chance(0.04)) {
      mutations.push(`unknown argument on ${field.name}`);
      args.push('bogus: 1');
    }
    return args.length > 0 ? `(${args.join(', ')})` : '';
  }

  /** One root field, its arguments passed as variables (half the time) or literals. */
  function operation(root: GraphQLObjectType, keyword: string, mutations: string[]): { query: string; variables: Record<string, unknown> } {
    const field = random.pick(Object.values(root.getFields()));
    const fragments: string[] = [];
    const inner = selection(field.type, 1, mutations, fragments);
    if (field.args.length > 0 && random.chance(0.5)) {
      const variables: Record<string, unknown> = {};
      const definitions: string[] = [];
      const uses: string[] = [];
      for (const arg of field.args) {
        if (!isNonNullType(arg.type) && random.chance(0.4)) continue;
        definitions.push(`$${arg.name}: ${String(arg.type)}`);
        uses.push(`${arg.name}: $${arg.name}`);
        if (random.chance(0.03)) mutations.push(`variable $${arg.name} not provided`);
        else variables[arg.name] = inputValue(arg.type, mutations);
      }
      const head = definitions.length > 0 ? `${keyword} Fuzz(${definitions.join(', ')})` : keyword;
      return { query: `${head} { ${field.name}${uses.length > 0 ? `(${uses.join(', ')})` : ''}${inner === '' ? '' : ` ${inner}`} } ${fragments.join(' ')}`, variables };
    }
    const args = field.args.length > 0 ? argumentList(field, mutations) : '';
    return { query: `${keyword} { ${field.name}${args}${inner === '' ? '' : ` ${inner}`} } ${fragments.join(' ')}`, variables: {} };
  }

  /** Byte-level damage: the kinds of edits that break a document in transit or in a hand-written client. */
  function damage(query: string, mutations: string[]): string {
    const at = random.int(query.length + 1);
    const kind = random.int(6);
    switch (kind) {
      case 0:
        mutations.push(`deleted character at ${at}`);
        return query.slice(0, at) + query.slice(at + 1);
      case 1: {
        const token = random.pick(['{', '}', '(', ')', '[', ']', ':', '$', '@', '...', '"', '#', '!', '\u0000', ' query ', ' fragment ']);
        mutations.push(`inserted ${JSON.stringify(token)} at ${at}`);
        return query.slice(0, at) + token + query.slice(at);
      }
      case 2:
        mutations.push(`truncated at ${at}`);
        return query.slice(0, at);
      case 3: {
        const end = Math.min(query.length, at + random.int(40));
        mutations.push(`duplicated ${at}-${end}`);
        return query.slice(0, end) + query.slice(at, end) + query.slice(end);
      }
      case 4:
        mutations.push('doubled the document');
        return `${query} ${query}`;
      default:
        mutations.push('swapped braces');
        return query.replace(/[{}]/g, (c) => (c === '{' ? '}' : '{'));
    }
  }

  return function nextRequest(): FuzzRequest {
    const mutations: string[] = [];
    const roots: [GraphQLObjectType, string][] = [];
    for (const [type, keyword] of [
      [schema.getQueryType(), 'query'],
      [schema.getMutationType(), 'mutation'],
      [schema.getSubscriptionType(), 'subscription'],
    ] as const) {
      if (type) roots.push([type, keyword]);
    }
    const [root, keyword] = random.chance(0.9) ? random.pick(roots.slice(0, 2)) : random.pick(roots);
    const generated = operation(root, keyword, mutations);
    const query = random.chance(0.3) ? damage(generated.query, mutations) : generated.query;
    return { query, variables: generated.variables, mutations };
  };
}
