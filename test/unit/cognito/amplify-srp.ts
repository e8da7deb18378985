/**
 * Amplify JS v6's own SRP client helpers, loaded from its published files (they are internal to
 * `@aws-amplify/auth`, not in its package exports), with the few types the tests use.
 */
// @ts-expect-error -- an internal module of @aws-amplify/auth: no types are published for this path.
import * as srp from '../../../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/index.mjs';
// @ts-expect-error -- idem.
import BigIntegerModule from '../../../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/BigInteger/BigInteger.mjs';
// @ts-expect-error -- idem.
import * as padding from '../../../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/getPaddedHex.mjs';

/** Amplify's jsbn-style BigInteger. */
export interface AmplifyBigInteger {
  toString(radix: number): string;
}

export interface AmplifyAuthenticationHelper {
  readonly A: AmplifyBigInteger;
  getPasswordAuthenticationKey(input: { username: string; password: string; serverBValue: AmplifyBigInteger; salt: AmplifyBigInteger }): Promise<Uint8Array>;
}

type BigIntegerConstructor = new (value: string, radix: number) => AmplifyBigInteger;

export const AmplifyBigInteger = BigIntegerModule as BigIntegerConstructor;
export const getAuthenticationHelper = (srp as { getAuthenticationHelper: (poolName: string) => Promise<AmplifyAuthenticationHelper> }).getAuthenticationHelper;
export const getNowString = (srp as { getNowString: () => string }).getNowString;
export const getSignatureString = (srp as {
  getSignatureString: (input: { userPoolName: string; username: string; challengeParameters: { SECRET_BLOCK: string }; dateNow: string; hkdf: Uint8Array }) => string;
}).getSignatureString;
export const getPaddedHex = (padding as { getPaddedHex: (value: AmplifyBigInteger) => string }).getPaddedHex;
