import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requiredEnv, startupStep } from '../shared/config/startup.js';
import { createEnricher } from '../shared/enrichment/enricher.js';
import { MmdbDatabase } from '../shared/enrichment/mmdb-database.js';
import { httpApi } from '../shared/http/middleware.js';
import { createLogger } from '../shared/logging/logger.js';
import { TenantDirectory } from '../shared/tenants/tenant-directory.js';
import { VisitsRepository } from '../shared/visits/visits-repository.js';
import { pseudonymSecretArnsFromJson, visitKeysFromSecretsManager } from './pseudonym-secret.js';
import { createVisitsApi } from './visits-api.js';

// Module scope runs once per container (Lambda init): configuration and database errors fail the
// init with one clear log line; the AWS clients are reused by every request.
const logger = createLogger('visits');
const config = startupStep(logger, 'read the configuration', () => ({
  tableName: requiredEnv('VISITS_TABLE_NAME'),
  visitTtlDays: visitTtlDaysFrom(requiredEnv('VISIT_TTL_DAYS')),
}));
const database = startupStep(logger, 'open the MMDB database', () => MmdbDatabase.openDeployed());
const tenants = startupStep(logger, 'read TENANT_API_KEYS', () => TenantDirectory.fromJson(process.env.TENANT_API_KEYS));
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const secretArns = startupStep(logger, 'read PSEUDONYM_SECRET_ARNS', () => pseudonymSecretArnsFromJson(process.env.PSEUDONYM_SECRET_ARNS));

export const handler = httpApi(
  createVisitsApi({
    enricher: createEnricher(database),
    tenants,
    visitsOf: (tenantId) => new VisitsRepository({ client: dynamo, tableName: config.tableName, tenantId }),
    keysOf: visitKeysFromSecretsManager(new SecretsManagerClient({}), secretArns),
    retentionDays: config.visitTtlDays,
    clock: () => new Date(),
    newVisitId: randomUUID,
    logger,
  }),
  logger,
);

/** How long a visit lives before its TTL: the retention less TTL's deletion delay and the backup window (lib/retention). */
function visitTtlDaysFrom(text: string): number {
  const days = Number(text);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new Error('VISIT_TTL_DAYS must be a whole number of days from 1 to 3650');
  return days;
}
