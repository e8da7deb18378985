/**
 * The contract suite's AWS target without AWS (runs in CI): the committed outputs fixture matches the
 * synthesized template, the outputs file is validated with errors that name what is missing, TOTP
 * matches RFC 6238's published vectors, and the Cognito and AppSync requests are checked whole,
 * in order, through recording fakes (named as such; they check calls and inputs, nothing else).
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_OUTPUT_KEYS } from '../../infra/stack-outputs.ts';
import { synthesize, SYNTH_TIMEOUT_MS, type Synthesized } from '../cdk/synth.ts';
import { createAwsTarget, defaultStackName } from './targets/aws.ts';
import { listAllApiKeys, pickApiKey, type AppSyncKeysApi } from './targets/aws-api-key.ts';
import {
  adminCreateUserInput,
  adminDeleteUserInput,
  adminInitiateAuthInput,
  adminSetUserPasswordInput,
  associateSoftwareTokenInput,
  createTestUserIdentity,
  respondToMfaSetupInput,
  respondToSoftwareTokenMfaInput,
  verifySoftwareTokenInput,
} from './targets/aws-cognito-requests.ts';
import type { AuthAnswer, CognitoAdminApi } from './targets/aws-cognito-users.ts';
import { AWS_TARGET_OUTPUT_KEYS, deriveRealtimeUrl, parseAwsStackOutputs, parseGraphqlUrl } from './targets/aws-outputs.ts';
import { decodeBase32, totp, totpStep } from './targets/aws-totp.ts';

const FIXTURE = new URL('./fixtures/aws-outputs.json', import.meta.url).pathname;
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, Record<string, string>>;
const STACK = 'AssetApi-dev';
const POOL = { userPoolId: 'eu-west-1_Xy12AbC3d', clientId: '5f2kq8m1tr7c9vx3np6hwz4bde' };

/** RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890". */
const RFC_SEED = Buffer.from('12345678901234567890', 'ascii');
/** The same seed in base32, as Cognito's AssociateSoftwareToken returns a SecretCode. */
const RFC_SEED_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

const tempDirs: string[] = [];
function writeTempOutputs(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'asset-api-aws-target-'));
  tempDirs.push(dir);
  const path = join(dir, 'cdk-outputs.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('aws target: stack outputs', () => {
  let s: Synthesized;
  beforeAll(() => {
    // GIVEN the app as `cdk deploy` synthesizes it (cdk.json context)
    s = synthesize();
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => s?.dispose());

  it('has a fixture shaped like the synthesized stack: its name and exactly its outputs', () => {
    // THEN the committed example cannot drift from the template
    expect(Object.keys(fixture)).toEqual([s.stack.stackName]);
    expect(defaultStackName()).toBe(s.stack.stackName);
    expect(Object.keys(fixture[STACK]!).sort()).toEqual(Object.keys(s.json.Outputs ?? {}).sort());
  });

  it('reads only outputs the synthesized stack has', () => {
    expect(AWS_TARGET_OUTPUT_KEYS.filter((key) => !(key in (s.json.Outputs ?? {})))).toEqual([]);
  });

  it('parses the fixture into the URLs, region, API id and user pool', () => {
    // WHEN
    const outputs = parseAwsStackOutputs(fixture, { stackName: STACK, source: 'fixture.json' });
    // THEN
    expect(outputs).toEqual({
      stackName: STACK,
      graphqlUrl: 'https://k7xq2mz4pb3rfdw5nt6yhc8vue.appsync-api.eu-west-1.amazonaws.com/graphql',
      realtimeUrl: 'wss://k7xq2mz4pb3rfdw5nt6yhc8vue.appsync-realtime-api.eu-west-1.amazonaws.com/graphql',
      graphqlApiId: 'k7xq2mz4pb3rfdw5nt6yhc8vue',
      region: 'eu-west-1',
      userPoolId: POOL.userPoolId,
      userPoolClientId: POOL.clientId,
    });
  });

  it('derives the realtime URL and the region from the GraphQL URL host, as AWS documents', () => {
    // https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html
    expect(deriveRealtimeUrl('https://example1234567890000.appsync-api.us-east-1.amazonaws.com/graphql')).toBe(
      'wss://example1234567890000.appsync-realtime-api.us-east-1.amazonaws.com/graphql',
    );
    expect(parseGraphqlUrl('https://abc123.appsync-api.cn-north-1.amazonaws.com.cn/graphql')).toEqual({ apiId: 'abc123', region: 'cn-north-1', cnSuffix: '.cn' });
    expect(() => parseGraphqlUrl('https://api.example.com/graphql')).toThrow(
      new Error('GraphQLUrl: must be https://<id>.appsync-api.<region>.amazonaws.com/graphql. Received: "https://api.example.com/graphql"'),
    );
  });

  it('names the missing output', () => {
    // GIVEN outputs without the app client
    const { [STACK_OUTPUT_KEYS.userPoolClientId]: _missing, ...rest } = fixture[STACK]!;
    // WHEN / THEN
    expect(() => parseAwsStackOutputs({ [STACK]: rest }, { stackName: STACK, source: 'cdk-outputs.json' })).toThrow(
      new Error('cdk-outputs.json: AssetApi-dev: missing output UserPoolClientId (was the stack deployed from this checkout, with a user pool?)'),
    );
  });

  it('names a malformed output, and outputs that disagree with the GraphQL URL', () => {
    expect(() => parseAwsStackOutputs({ [STACK]: { ...fixture[STACK], Region: 7 } }, { stackName: STACK, source: 'f.json' })).toThrow(
      new Error('f.json: AssetApi-dev: output Region must be a non-empty string. Received: 7'),
    );
    expect(() => parseAwsStackOutputs({ [STACK]: { ...fixture[STACK], Region: 'us-east-1' } }, { stackName: STACK, source: 'f.json' })).toThrow(
      new Error(
        'f.json: AssetApi-dev: outputs RealtimeUrl, GraphQLApiId and Region disagree with GraphQLUrl. ' +
          'Expected: {"realtimeUrl":"wss://k7xq2mz4pb3rfdw5nt6yhc8vue.appsync-realtime-api.eu-west-1.amazonaws.com/graphql","graphqlApiId":"k7xq2mz4pb3rfdw5nt6yhc8vue","region":"eu-west-1"}. ' +
          'Received: {"realtimeUrl":"wss://k7xq2mz4pb3rfdw5nt6yhc8vue.appsync-realtime-api.eu-west-1.amazonaws.com/graphql","graphqlApiId":"k7xq2mz4pb3rfdw5nt6yhc8vue","region":"us-east-1"}',
      ),
    );
  });

  it('picks the named stack, else the only one, and says which stacks it found otherwise', () => {
    const other = { ...fixture[STACK] };
    expect(parseAwsStackOutputs({ 'AssetApi-test': other, [STACK]: fixture[STACK] }, { stackName: 'AssetApi-test', source: 'f.json' }).stackName).toBe('AssetApi-test');
    expect(parseAwsStackOutputs({ 'AssetApi-prod': other }, { stackName: STACK, source: 'f.json' }).stackName).toBe('AssetApi-prod');
    expect(() => parseAwsStackOutputs({ 'AssetApi-a': other, 'AssetApi-b': other }, { stackName: STACK, source: 'f.json' })).toThrow(
      new Error('f.json: no stack named "AssetApi-dev", and several stacks (AssetApi-a, AssetApi-b); deploy it or pick one with ASSET_API_STACK.'),
    );
    expect(() => parseAwsStackOutputs([], { stackName: STACK, source: 'f.json' })).toThrow(
      new Error('f.json: must be a JSON object of stack name -> outputs (cdk deploy --outputs-file). Received: []'),
    );
  });
});

describe('aws target: TOTP (RFC 6238)', () => {
  it('matches the published SHA-1 test vectors (8 digits)', () => {
    // RFC 6238 Appendix B, mode SHA1.
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    expect(vectors.map(([t]) => [t, totp(RFC_SEED, { timeSeconds: t, digits: 8 })])).toEqual(vectors);
  });

  it('gives Cognito 6 digits: the same HOTP value modulo 10^6', () => {
    expect([59, 1111111109, 1111111111].map((t) => totp(RFC_SEED, { timeSeconds: t }))).toEqual(['287082', '081804', '050471']);
  });

  it('decodes the base32 secret Cognito hands out, and counts 30-second steps from the epoch', () => {
    expect(decodeBase32(RFC_SEED_BASE32)).toEqual(RFC_SEED);
    expect(decodeBase32('gezd gnbv gy3t qojq gezd gnbv gy3t qojq====')).toEqual(RFC_SEED);
    expect(() => decodeBase32('GEZ1')).toThrow(new Error('base32: not a base32 character: "1"'));
    expect([0, 29.9, 30, 1111111109, 1111111111].map((t) => totpStep(t))).toEqual([0, 0, 1, 37037036, 37037037]);
  });
});

describe('aws target: Cognito requests', () => {
  const user = { username: 'asset-api-contract-alice-0011223344556677@example.com', password: 'Secret-Password-1' };

  it('creates a unique e-mail user with a password that meets the pool policy whatever the randomness', () => {
    expect(createTestUserIdentity('alice', (bytes) => '0'.repeat(bytes * 2))).toEqual({
      username: 'asset-api-contract-alice-0000000000000000@example.com',
      password: '00000000000000000000000000000000Aa1!',
    });
  });

  it('creates the user without a message, with a verified address, then sets a permanent password', () => {
    expect(adminCreateUserInput(POOL, user)).toEqual({
      UserPoolId: POOL.userPoolId,
      Username: user.username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: user.username },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
    expect(adminSetUserPasswordInput(POOL, user)).toEqual({ UserPoolId: POOL.userPoolId, Username: user.username, Password: user.password, Permanent: true });
  });

  it('signs in with ADMIN_USER_PASSWORD_AUTH and answers MFA_SETUP and SOFTWARE_TOKEN_MFA', () => {
    expect(adminInitiateAuthInput(POOL, user)).toEqual({
      UserPoolId: POOL.userPoolId,
      ClientId: POOL.clientId,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
    });
    expect(associateSoftwareTokenInput('session-1')).toEqual({ Session: 'session-1' });
    expect(verifySoftwareTokenInput('session-2', '287082')).toEqual({ Session: 'session-2', UserCode: '287082', FriendlyDeviceName: 'asset-api-contract-suite' });
    expect(respondToMfaSetupInput(POOL, user, 'session-3')).toEqual({
      UserPoolId: POOL.userPoolId,
      ClientId: POOL.clientId,
      ChallengeName: 'MFA_SETUP',
      Session: 'session-3',
      ChallengeResponses: { USERNAME: user.username },
    });
    expect(respondToSoftwareTokenMfaInput(POOL, user, 'session-4', '050471')).toEqual({
      UserPoolId: POOL.userPoolId,
      ClientId: POOL.clientId,
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: 'session-4',
      ChallengeResponses: { USERNAME: user.username, SOFTWARE_TOKEN_MFA_CODE: '050471' },
    });
  });

  it('deletes the user by name', () => {
    expect(adminDeleteUserInput(POOL, user.username)).toEqual({ UserPoolId: POOL.userPoolId, Username: user.username });
  });
});

describe('aws target: API key', () => {
  it('uses the unexpired key that expires last, following nextToken', async () => {
    // GIVEN a recording fake of ListApiKeys with two pages
    const calls: unknown[] = [];
    const appsync: AppSyncKeysApi = {
      listApiKeys: async (input) => {
        calls.push(input);
        return input.nextToken === undefined
          ? { apiKeys: [{ id: 'da2-expired', expires: 999 }], nextToken: 'page-2' }
          : { apiKeys: [{ id: 'da2-stack', expires: 1000 + 365 * 86400 }, { id: 'da2-short', expires: 1000 + 86400 }] };
      },
    };
    // WHEN
    const keys = await listAllApiKeys(appsync, 'api-1');
    // THEN
    expect(calls).toEqual([{ apiId: 'api-1' }, { apiId: 'api-1', nextToken: 'page-2' }]);
    expect(pickApiKey(keys, 1000, 'api-1')).toBe('da2-stack');
    expect(() => pickApiKey([{ id: 'da2-expired', expires: 999 }], 1000, 'api-1')).toThrow(
      new Error('appsync:ListApiKeys: API api-1 has no unexpired API key (1 listed); create one (aws appsync create-api-key --api-id api-1) or redeploy'),
    );
  });
});

/** One call a recording fake received. */
interface RecordedCall {
  readonly op: string;
  readonly input: unknown;
}

/**
 * A RECORDING FAKE of the Cognito operations, only for checking the sequence of calls and their
 * inputs: it answers from `script` and never decides anything about users. `sub` is derived from the
 * username.
 */
function createRecordingFakeCognito(script: {
  initiateAuth?: (username: string) => AuthAnswer;
  respond?: (challenge: string | undefined) => AuthAnswer;
  deleteError?: (username: string) => Error | undefined;
}): { readonly cognito: CognitoAdminApi; readonly calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const record = <T>(op: string, input: unknown, answer: T): Promise<T> => {
    calls.push({ op, input });
    return Promise.resolve(answer);
  };
  const cognito: CognitoAdminApi = {
    adminCreateUser: (input) => record('AdminCreateUser', input, { User: { Username: input.Username, Attributes: [{ Name: 'sub', Value: `sub-of-${String(input.Username).split('-')[3]}` }] } }),
    adminSetUserPassword: (input) => record('AdminSetUserPassword', input, {}),
    adminInitiateAuth: (input) => record('AdminInitiateAuth', input, script.initiateAuth?.(String(input.AuthParameters?.['USERNAME'])) ?? { ChallengeName: 'MFA_SETUP', Session: 'session-1' }),
    associateSoftwareToken: (input) => record('AssociateSoftwareToken', input, { SecretCode: RFC_SEED_BASE32, Session: 'session-2' }),
    verifySoftwareToken: (input) => record('VerifySoftwareToken', input, { Status: 'SUCCESS', Session: 'session-3' }),
    adminRespondToAuthChallenge: (input) => record('AdminRespondToAuthChallenge', input, script.respond?.(input.ChallengeName) ?? { AuthenticationResult: { IdToken: `id-token-${input.ChallengeName}` } }),
    adminDeleteUser: (input) => {
      calls.push({ op: 'AdminDeleteUser', input });
      const error = script.deleteError?.(String(input.Username));
      return error ? Promise.reject(error) : Promise.resolve({});
    },
  };
  return { cognito, calls };
}

describe('aws target: createAwsTarget over recording fakes', () => {
  const credentials: AwsCredentialIdentityProvider = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' });
  const appsync: AppSyncKeysApi = { listApiKeys: async () => ({ apiKeys: [{ id: 'da2-fixturekey', expires: 2_000_000_000 }] }) };
  const randomHex = (bytes: number): string => 'a1'.repeat(bytes);
  const alice = 'asset-api-contract-alice-a1a1a1a1a1a1a1a1@example.com';
  const bob = 'asset-api-contract-bob-a1a1a1a1a1a1a1a1@example.com';
  const password = `${'a1'.repeat(16)}Aa1!`;

  it('exposes the fixture endpoints, the listed API key and the caller credentials', async () => {
    // GIVEN / WHEN
    const { cognito } = createRecordingFakeCognito({});
    const { user: _user, close, ...fields } = await createAwsTarget({ outputsFile: FIXTURE, credentials, cognito, appsync, now: () => 59_000, randomHex });
    // THEN
    expect(fields).toEqual({
      label: 'aws',
      graphqlUrl: 'https://k7xq2mz4pb3rfdw5nt6yhc8vue.appsync-api.eu-west-1.amazonaws.com/graphql',
      realtimeUrl: 'wss://k7xq2mz4pb3rfdw5nt6yhc8vue.appsync-realtime-api.eu-west-1.amazonaws.com/graphql',
      apiKey: 'da2-fixturekey',
      region: 'eu-west-1',
      caCertPem: null,
      backendCredentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' },
    });
    await close();
  });

  it('creates, signs in (MFA_SETUP with an RFC 6238 code) and later deletes each user once', async () => {
    // GIVEN the clock at T = 59 s, whose RFC 6238 code is 94287082 (287082 in 6 digits)
    const { cognito, calls } = createRecordingFakeCognito({});
    const target = await createAwsTarget({ outputsFile: FIXTURE, credentials, cognito, appsync, now: () => 59_000, randomHex });
    // WHEN
    const first = await target.user('alice');
    const again = await target.user('alice');
    const second = await target.user('bob');
    // THEN
    expect({ first, again, second }).toEqual({
      first: { sub: 'sub-of-alice', token: 'id-token-MFA_SETUP' },
      again: { sub: 'sub-of-alice', token: 'id-token-MFA_SETUP' },
      second: { sub: 'sub-of-bob', token: 'id-token-MFA_SETUP' },
    });
    const signUp = (username: string): RecordedCall[] => [
      { op: 'AdminCreateUser', input: adminCreateUserInput(POOL, { username, password }) },
      { op: 'AdminSetUserPassword', input: { UserPoolId: POOL.userPoolId, Username: username, Password: password, Permanent: true } },
      { op: 'AdminInitiateAuth', input: { UserPoolId: POOL.userPoolId, ClientId: POOL.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } } },
      { op: 'AssociateSoftwareToken', input: { Session: 'session-1' } },
      { op: 'VerifySoftwareToken', input: { Session: 'session-2', UserCode: '287082', FriendlyDeviceName: 'asset-api-contract-suite' } },
      { op: 'AdminRespondToAuthChallenge', input: { UserPoolId: POOL.userPoolId, ClientId: POOL.clientId, ChallengeName: 'MFA_SETUP', Session: 'session-3', ChallengeResponses: { USERNAME: username } } },
    ];
    expect(calls).toEqual([...signUp(alice), ...signUp(bob)]);

    // WHEN it is closed twice
    calls.length = 0;
    await target.close();
    await target.close();
    // THEN each user is deleted once, and the target hands out no more users
    expect(calls).toEqual([
      { op: 'AdminDeleteUser', input: { UserPoolId: POOL.userPoolId, Username: alice } },
      { op: 'AdminDeleteUser', input: { UserPoolId: POOL.userPoolId, Username: bob } },
    ]);
    await expect(target.user('alice')).rejects.toThrow(new Error('aws target: user(alice) after close()'));
  });

  it('waits for the next 30-second step before answering SOFTWARE_TOKEN_MFA, because Cognito refuses a used code', async () => {
    // GIVEN a pool that asks for a code right after MFA_SETUP, and a clock at T = 1111111109 s
    const { cognito, calls } = createRecordingFakeCognito({
      respond: (challenge) => (challenge === 'MFA_SETUP' ? { ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'session-4' } : { AuthenticationResult: { IdToken: 'id-token-after-mfa' } }),
    });
    let nowMs = 1_111_111_109_000;
    const sleeps: number[] = [];
    const sleep = async (ms: number): Promise<void> => {
      sleeps.push(ms);
      nowMs += ms;
    };
    const target = await createAwsTarget({ outputsFile: FIXTURE, credentials, cognito, appsync, now: () => nowMs, sleep, randomHex });
    // WHEN
    const user = await target.user('alice');
    // THEN the codes are RFC 6238's for 1111111109 (step 37037036) and 1111111111 (step 37037037)
    expect(user).toEqual({ sub: 'sub-of-alice', token: 'id-token-after-mfa' });
    expect(sleeps).toEqual([1100]);
    expect(calls.filter((c) => c.op === 'VerifySoftwareToken' || c.op === 'AdminRespondToAuthChallenge').map((c) => c.input)).toEqual([
      { Session: 'session-2', UserCode: '081804', FriendlyDeviceName: 'asset-api-contract-suite' },
      respondToMfaSetupInput(POOL, { username: alice, password }, 'session-3'),
      respondToSoftwareTokenMfaInput(POOL, { username: alice, password }, 'session-4', '050471'),
    ]);
    await target.close();
  });

  it('deletes a user whose sign-in failed, and counts a user already gone as deleted', async () => {
    // GIVEN a pool that answers a challenge the target does not handle, and a user deleted by someone else
    const { cognito, calls } = createRecordingFakeCognito({
      initiateAuth: () => ({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 'session-1' }),
      deleteError: () => Object.assign(new Error('User does not exist.'), { name: 'UserNotFoundException' }),
    });
    const target = await createAwsTarget({ outputsFile: FIXTURE, credentials, cognito, appsync, now: () => 59_000, randomHex });
    // WHEN / THEN
    await expect(target.user('alice')).rejects.toThrow(
      new Error('cognito: sign-in answered challenge NEW_PASSWORD_REQUIRED; this target answers only MFA_SETUP and SOFTWARE_TOKEN_MFA (see docs/contract-suite-aws.md)'),
    );
    calls.length = 0;
    await target.close();
    expect(calls).toEqual([{ op: 'AdminDeleteUser', input: { UserPoolId: POOL.userPoolId, Username: alice } }]);
  });

  it('says which users are left when a deletion fails', async () => {
    const { cognito } = createRecordingFakeCognito({ deleteError: () => Object.assign(new Error('Access denied'), { name: 'AccessDeniedException' }) });
    const target = await createAwsTarget({ outputsFile: FIXTURE, credentials, cognito, appsync, now: () => 59_000, randomHex });
    await target.user('alice');
    await expect(target.close()).rejects.toThrow(
      new Error(`aws target: could not delete test users ${alice} from ${POOL.userPoolId} (delete them with aws cognito-idp admin-delete-user): Access denied`),
    );
  });

  it('names the outputs file and the missing output, and the command that writes the file', async () => {
    // GIVEN an outputs file without the user pool id
    const { [STACK_OUTPUT_KEYS.userPoolId]: _missing, ...rest } = fixture[STACK]!;
    const path = writeTempOutputs({ [STACK]: rest });
    const { cognito } = createRecordingFakeCognito({});
    // WHEN / THEN
    await expect(createAwsTarget({ outputsFile: path, credentials, cognito, appsync })).rejects.toThrow(
      new Error(`${path}: AssetApi-dev: missing output UserPoolId (was the stack deployed from this checkout, with a user pool?)`),
    );
    const absent = join(tmpdir(), 'asset-api-no-such-dir', 'cdk-outputs.json');
    await expect(createAwsTarget({ outputsFile: absent, credentials, cognito, appsync })).rejects.toThrow(
      new Error(`${absent}: cannot read the stack outputs (run: npx cdk deploy --outputs-file ${absent}): ENOENT: no such file or directory, open '${absent}'`),
    );
  });
});
