import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cachedAsync } from '../shared/config/cached-async.js';
import { requiredEnv, retentionDaysFrom, startupStep } from '../shared/config/startup.js';
import { createEnricher } from '../shared/enrichment/enricher.js';
import { MmdbDatabase } from '../shared/enrichment/mmdb-database.js';
import { httpApi } from '../shared/http/middleware.js';
import { createLogger } from '../shared/logging/logger.js';
import { TenantDirectory } from '../shared/tenants/tenant-directory.js';
import { deriveVisitKeys } from '../shared/visits/visit-keys.js';
import { VisitsRepository } from '../shared/visits/visits-repository.js';
import { readPseudonymSecret } from './pseudonym-secret.js';
import { createVisitsApi } from './visits-api.js';

// Module scope runs once per container (Lambda init): configuration and database errors fail the
// init with one clear log line; the AWS clients are reused by every request.
const logger = createLogger('visits');
const config = startupStep(logger, 'read the configuration', () => ({
  tableName: requiredEnv('VISITS_TABLE_NAME'),
  retentionDays: retentionDaysFrom(requiredEnv('RETENTION_DAYS')),
  secretArn: requiredEnv('PSEUDONYM_SECRET_ARN'),
}));
const database = startupStep(logger, 'open the MMDB database', () => MmdbDatabase.openDeployed());
const tenants = startupStep(logger, 'read TENANT_API_KEYS', () => TenantDirectory.fromJson(process.env.TENANT_API_KEYS));
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const secrets = new SecretsManagerClient({});

export const handler = httpApi(
  createVisitsApi({
    enricher: createEnricher(database),
    tenants,
    visitsOf: (tenantId) => new VisitsRepository({ client: dynamo, tableName: config.tableName, tenantId }),
    keys: cachedAsync(async () => deriveVisitKeys(await readPseudonymSecret(secrets, config.secretArn))),
    retentionDays: config.retentionDays,
    clock: () => new Date(),
    newVisitId: randomUUID,
    logger,
  }),
  logger,
);
