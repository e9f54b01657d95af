import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Reads the per-deployment HMAC secret (a Secrets Manager SecretString). */
export async function readPseudonymSecret(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString) throw new Error('the pseudonym secret has no SecretString');
  return SecretString;
}
