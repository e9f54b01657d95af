import { startDynamoDbLocal, type DynamoDbLocal } from '../../bin/local/dynamodb-local.js';
import { localDynamoDbClient } from '../../bin/local/local-aws.js';
import { createVisitsTable } from '../../bin/local/visits-table.js';
import { MmdbDatabase } from '../../lambdas/shared/enrichment/mmdb-database.js';
import { DEFAULT_VISIT_SHARDS } from '../../lambdas/shared/visits/table-schema.js';
import { SecretsManagerStandIn } from '../../test/support/secrets-manager-stand-in.js';

export const BENCH_API_KEY_ID = 'bench-api-key';
export const BENCH_TENANT_ID = 'bench-tenant';
export const BENCH_RETENTION_DAYS = 30;
export const BENCH_PSEUDONYM_SECRET = 'bench-pseudonym-secret-0123456789abcdef0123456789';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:bench-pseudonym-AbCdEf';

export interface LocalBackends {
  readonly dynamoDbEndpoint: string;
  readonly tableName: string;
  readonly secrets: SecretsManagerStandIn;
  /**
   * The environment the deployed functions get (lib/enrichment-stack.ts), pointed at the local
   * backends: the handlers run unmodified with their own SDK clients, and nothing reaches AWS.
   */
  readonly handlerEnvironment: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** Amazon DynamoDB Local with the visits table, and the Secrets Manager stand-in. */
export async function startLocalBackends(databasePath: string): Promise<LocalBackends> {
  const dynamo: DynamoDbLocal = await startDynamoDbLocal();
  const secrets = new SecretsManagerStandIn(SECRET_ARN, BENCH_PSEUDONYM_SECRET);
  try {
    const tableName = 'bench-visits';
    const client = localDynamoDbClient(dynamo.endpoint);
    await createVisitsTable(client, tableName);
    client.destroy();
    const secretsEndpoint = await secrets.start();
    return {
      dynamoDbEndpoint: dynamo.endpoint,
      tableName,
      secrets,
      handlerEnvironment: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        MMDB_PATH: databasePath,
        // As the CDK layer sets it: the count its synth-time walk of this same file found.
        MMDB_NETWORK_COUNT: String(MmdbDatabase.open(databasePath).info.recordCount),
        TENANT_API_KEYS: JSON.stringify({ [BENCH_API_KEY_ID]: BENCH_TENANT_ID }),
        VISITS_TABLE_NAME: tableName,
        RETENTION_DAYS: String(BENCH_RETENTION_DAYS),
        VISIT_SHARDS: String(DEFAULT_VISIT_SHARDS),
        PSEUDONYM_SECRET_ARN: SECRET_ARN,
        AWS_REGION: 'eu-central-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsEndpoint,
      },
      stop: async () => {
        await Promise.allSettled([secrets.stop(), dynamo.stop()]);
      },
    };
  } catch (error) {
    await Promise.allSettled([secrets.stop(), dynamo.stop()]);
    throw error;
  }
}
