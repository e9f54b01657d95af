import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cachedAsync } from '../shared/config/cached-async.js';
import { requiredEnv, startupStep } from '../shared/config/startup.js';
import { httpApi } from '../shared/http/middleware.js';
import { createLogger } from '../shared/logging/logger.js';
import { TenantDirectory } from '../shared/tenants/tenant-directory.js';
import { deriveVisitKeys } from '../shared/visits/visit-keys.js';
import { VisitsRepository } from '../shared/visits/visits-repository.js';
import { readPseudonymSecret } from '../visits/pseudonym-secret.js';
import { createVisitorDataApi, MAX_ERASED_PER_REQUEST } from './visitor-data-api.js';

// Module scope runs once per container (Lambda init): a configuration error fails the init with one
// clear log line; the AWS clients are reused by every request.
const logger = createLogger('visitor-data');
const config = startupStep(logger, 'read the configuration', () => ({
  tableName: requiredEnv('VISITS_TABLE_NAME'),
  secretArn: requiredEnv('PSEUDONYM_SECRET_ARN'),
}));
const tenants = startupStep(logger, 'read TENANT_API_KEYS', () => TenantDirectory.fromJson(process.env.TENANT_API_KEYS));
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const secrets = new SecretsManagerClient({});

export const handler = httpApi(
  createVisitorDataApi({
    tenants,
    visitsOf: (tenantId) => new VisitsRepository({ client: dynamo, tableName: config.tableName, tenantId }),
    keys: cachedAsync(async () => deriveVisitKeys(await readPseudonymSecret(secrets, config.secretArn))),
    maxErasedPerRequest: MAX_ERASED_PER_REQUEST,
    logger,
  }),
  logger,
);
