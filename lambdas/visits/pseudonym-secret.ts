import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { jsonObjectEntries } from '../shared/config/json-object-env.js';
import { TENANT_ID_PATTERN } from '../shared/tenants/tenant-id.js';
import { visitKeysFromSecrets, type VisitKeysOf } from '../shared/visits/visit-keys.js';

/** Reads one tenant's HMAC secret (a Secrets Manager SecretString). */
export async function readPseudonymSecret(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString) throw new Error('the pseudonym secret has no SecretString');
  return SecretString;
}

/** Parses PSEUDONYM_SECRET_ARNS: a JSON object { "<tenantId>": "<secret ARN>" }, one secret per tenant. */
export function pseudonymSecretArnsFromJson(json: string | undefined): ReadonlyMap<string, string> {
  const entries = jsonObjectEntries('PSEUDONYM_SECRET_ARNS', json, { object: 'tenant id → secret ARN', entries: 'tenant to a secret' });
  for (const [tenantId, arn] of entries) {
    if (!TENANT_ID_PATTERN.test(tenantId)) throw new Error(`PSEUDONYM_SECRET_ARNS: ${JSON.stringify(tenantId)} is not a valid tenant id`);
    if (typeof arn !== 'string' || !arn.startsWith('arn:')) throw new Error(`PSEUDONYM_SECRET_ARNS: the secret of ${tenantId} is not an ARN`);
  }
  return new Map(entries as Array<[string, string]>);
}

/** The keys of each tenant from its own secret in Secrets Manager; a tenant without one has no keys (an error, never a fallback). */
export function visitKeysFromSecretsManager(client: SecretsManagerClient, secretArns: ReadonlyMap<string, string>): VisitKeysOf {
  return visitKeysFromSecrets(async (tenantId) => {
    const arn = secretArns.get(tenantId);
    if (arn === undefined) throw new Error(`no pseudonym secret for tenant ${tenantId}`);
    return readPseudonymSecret(client, arn);
  });
}
