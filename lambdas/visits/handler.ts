import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requiredEnv, startedEarly, startupStep, startupStepAsync, visitTtlDaysFrom } from '../shared/config/startup.js';
import { visitShardsFrom } from '../shared/visits/table-schema.js';
import { createEnricher } from '../shared/enrichment/enricher.js';
import { MmdbDatabase } from '../shared/enrichment/mmdb-database.js';
import { httpApi } from '../shared/http/middleware.js';
import { createLogger } from '../shared/logging/logger.js';
import { countingEnricher } from '../shared/metrics/counting-enricher.js';
import { createServiceMetrics, metricsMiddleware } from '../shared/metrics/service-metrics.js';
import { TenantDirectory } from '../shared/tenants/tenant-directory.js';
import { VisitsRepository } from '../shared/visits/visits-repository.js';
import { pseudonymSecretArnsFromJson, visitKeysFromSecretsManager } from './pseudonym-secret.js';
import { createVisitsApi } from './visits-api.js';

// Module scope runs once per container (Lambda init): configuration and database errors fail the
// init with one clear log line; the AWS clients are reused by every request. The database file is
// read on the thread pool and every tenant's pseudonym secret fetched while the rest of the init runs.
const opening = startedEarly(MmdbDatabase.openDeployed());
const logger = createLogger('visits');
const config = startupStep(logger, 'read the configuration', () => ({
  tableName: requiredEnv('VISITS_TABLE_NAME'),
  visitTtlDays: visitTtlDaysFrom(requiredEnv('VISIT_TTL_DAYS')),
  shards: visitShardsFrom(requiredEnv('VISIT_SHARDS')),
}));
const tenants = startupStep(logger, 'read TENANT_API_KEYS', () => TenantDirectory.fromJson(process.env.TENANT_API_KEYS));
const secretArns = startupStep(logger, 'read PSEUDONYM_SECRET_ARNS', () => pseudonymSecretArnsFromJson(process.env.PSEUDONYM_SECRET_ARNS));
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const metrics = createServiceMetrics('visits');
const keysOf = visitKeysFromSecretsManager(new SecretsManagerClient({}), secretArns);
// A failed fetch is not kept: the first request of that tenant tries again (and answers 500 if it fails too).
for (const tenantId of secretArns.keys()) {
  keysOf(tenantId).catch((error: unknown) => logger.warn('pseudonym secret not fetched at init; requests will try again', { tenantId, error: error as Error }));
}
const database = await startupStepAsync(logger, 'open the MMDB database', opening);

export const handler = httpApi(
  createVisitsApi({
    enricher: countingEnricher(createEnricher(database), metrics),
    tenants,
    visitsOf: (tenantId) => new VisitsRepository({ client: dynamo, tableName: config.tableName, tenantId, shards: config.shards }),
    keysOf,
    retentionDays: config.visitTtlDays,
    clock: () => new Date(),
    newVisitId: randomUUID,
    logger,
    metrics,
  }),
  logger,
  metricsMiddleware(metrics, tenants),
);
