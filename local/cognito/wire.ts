/**
 * Parse-and-validate for the Cognito JSON 1.1 request bodies (STYLE 9). A body that is not a JSON
 * object, or a member of the wrong JSON type, is a `SerializationException` (what the AWS JSON
 * protocol answers when it cannot read the input); a member that breaks a documented constraint
 * (length, pattern, required) is an `InvalidParameterException` in Cognito's validation wording:
 * "1 validation error detected: Value at 'username' failed to satisfy constraint: ...".
 * Limits come from the request syntax of each action in
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_Operations.html
 */
import { CognitoError, COGNITO_ERROR_TYPE, invalidParameter } from './cognito-error.ts';

export type WireBody = Readonly<Record<string, unknown>>;

/** Largest request body read, in bytes (the largest documented members are a few KB). */
export const MAX_BODY_BYTES = 64 * 1024;

export interface AttributeType {
  readonly Name: string;
  readonly Value: string;
}

function serialization(message: string): CognitoError {
  return new CognitoError(COGNITO_ERROR_TYPE.SERIALIZATION, message);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The member name as Cognito's validation messages spell it (`Username` -> `username`). */
function wireName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function constraint(name: string, rule: string): CognitoError {
  return invalidParameter(`1 validation error detected: Value at '${wireName(name)}' failed to satisfy constraint: ${rule}`);
}

/** Parses the request text into a JSON object, or throws a SerializationException. */
export function parseWireBody(text: string): WireBody {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw serialization('The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw serialization(`The request body must be a JSON object, got ${describe(value)}.`);
  return value as WireBody;
}

export interface StringRule {
  readonly min?: number;
  readonly max: number;
  /** A pattern the whole value must match, and its text for the message. */
  readonly pattern?: RegExp;
}

function checkString(name: string, value: string, rule: StringRule): string {
  if (value.length < (rule.min ?? 0)) throw constraint(name, `Member must have length greater than or equal to ${rule.min ?? 0}`);
  if (value.length > rule.max) throw constraint(name, `Member must have length less than or equal to ${rule.max}`);
  if (rule.pattern !== undefined && !rule.pattern.test(value)) throw constraint(name, `Member must satisfy regular expression pattern: ${rule.pattern.source}`);
  return value;
}

export function optionalString(body: WireBody, name: string, rule: StringRule): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serialization(`${name}: expected a string, got ${describe(value)}.`);
  return checkString(name, value, rule);
}

export function requiredString(body: WireBody, name: string, rule: StringRule): string {
  const value = optionalString(body, name, rule);
  if (value === undefined) throw invalidParameter(`1 validation error detected: Value null at '${wireName(name)}' failed to satisfy constraint: Member must not be null`);
  return value;
}

export function optionalBoolean(body: WireBody, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw serialization(`${name}: expected a boolean, got ${describe(value)}.`);
  return value;
}

export function optionalInteger(body: WireBody, name: string, min: number, max: number): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw serialization(`${name}: expected an integer, got ${describe(value)}.`);
  if (value < min) throw constraint(name, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraint(name, `Member must have value less than or equal to ${max}`);
  return value;
}

export function optionalObject(body: WireBody, name: string): WireBody | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw serialization(`${name}: expected an object, got ${describe(value)}.`);
  return value as WireBody;
}

/** A map of strings (`AuthParameters`, `ChallengeResponses`, `ClientMetadata`). */
export function stringMap(body: WireBody, name: string, limits: { readonly maxEntries: number; readonly maxValue: number } = { maxEntries: 64, maxValue: 8192 }): Readonly<Record<string, string>> {
  const map = optionalObject(body, name) ?? {};
  const entries = Object.entries(map);
  if (entries.length > limits.maxEntries) throw constraint(name, `Member must have at most ${limits.maxEntries} entries`);
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof value !== 'string') throw serialization(`${name}.${key}: expected a string, got ${describe(value)}.`);
    if (key.length > 256) throw constraint(name, 'Map keys must have length less than or equal to 256');
    if (value.length > limits.maxValue) throw constraint(`${name}.${key}`, `Member must have length less than or equal to ${limits.maxValue}`);
    out[key] = value;
  }
  return out;
}

/** A required member that is present (possibly empty), or Cognito's "must not be null". */
export function assertMember(body: WireBody, name: string): void {
  if (body[name] === undefined || body[name] === null) throw invalidParameter(`1 validation error detected: Value null at '${wireName(name)}' failed to satisfy constraint: Member must not be null`);
}

/** A list of strings (`UserAttributeNames`), each checked against `rule`. */
export function stringList(body: WireBody, name: string, rule: StringRule): readonly string[] {
  const value = body[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw serialization(`${name}: expected an array, got ${describe(value)}.`);
  if (value.length > 64) throw constraint(name, 'Member must have length less than or equal to 64');
  return value.map((item: unknown, index) => {
    if (typeof item !== 'string') throw serialization(`${name}[${index}]: expected a string, got ${describe(item)}.`);
    return checkString(name, item, rule);
  });
}

/** `[{ "Name": "email", "Value": "a@example.com" }]` (AttributeType). */
export function attributeList(body: WireBody, name: string): readonly AttributeType[] {
  const value = body[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw serialization(`${name}: expected an array, got ${describe(value)}.`);
  if (value.length > 64) throw constraint(name, 'Member must have length less than or equal to 64');
  return value.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw serialization(`${name}[${index}]: expected an object, got ${describe(item)}.`);
    const entry = item as WireBody;
    return {
      Name: requiredString(entry, 'Name', RULE.ATTRIBUTE_NAME),
      Value: optionalString(entry, 'Value', { max: 2048 }) ?? '',
    };
  });
}

/** Member limits shared by several actions. */
export const RULE = {
  USERNAME: { min: 1, max: 128, pattern: /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u },
  PASSWORD: { min: 1, max: 256 },
  CLIENT_ID: { min: 1, max: 128, pattern: /^[\w+]+$/ },
  USER_POOL_ID: { min: 1, max: 55, pattern: /^[\w-]+_[0-9a-zA-Z]+$/ },
  CODE: { min: 1, max: 2048, pattern: /^[\S]+$/ },
  SESSION: { min: 20, max: 2048 },
  TOKEN: { min: 1, max: 8192, pattern: /^[A-Za-z0-9-_=.]+$/ },
  USER_CODE: { min: 6, max: 6, pattern: /^[0-9]+$/ },
  GROUP_NAME: { min: 1, max: 128, pattern: /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u },
  PAGINATION_TOKEN: { min: 1, max: 1024 },
  FILTER: { max: 256 },
  DEVICE_NAME: { min: 0, max: 256 },
  ATTRIBUTE_NAME: { min: 1, max: 32, pattern: /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u },
} as const satisfies Record<string, StringRule>;
