/**
 * Cognito's GetUser for an access token, sent over HTTP as the SDK sends it: what the pool says about
 * a token (valid, revoked, unknown user). https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUser.html
 */
export async function getUser(endpoint: string, accessToken: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.GetUser' },
    body: JSON.stringify({ AccessToken: accessToken }),
  });
  return { status: response.status, body: await response.json() };
}
