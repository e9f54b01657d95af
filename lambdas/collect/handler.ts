import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cachedAsync } from '../shared/config/cached-async.js';
import { requiredEnv, retentionDaysFrom, startedEarly, startupStep, startupStepAsync } from '../shared/config/startup.js';
import { visitShardsFrom } from '../shared/visits/table-schema.js';
import { createEnricher } from '../shared/enrichment/enricher.js';
import { MmdbDatabase } from '../shared/enrichment/mmdb-database.js';
import { httpApi } from '../shared/http/middleware.js';
import { createLogger } from '../shared/logging/logger.js';
import { deriveVisitKeys } from '../shared/visits/visit-keys.js';
import { VisitsRepository } from '../shared/visits/visits-repository.js';
import { readPseudonymSecret } from '../visits/pseudonym-secret.js';
import { createCollectorApi } from './collector-api.js';
import { SiteCeiling } from './site-ceiling.js';
import { SiteDirectory } from './site-directory.js';

// Module scope runs once per container (Lambda init), as in the visits function.
const opening = startedEarly(MmdbDatabase.openDeployed());
const logger = createLogger('collect');
const config = startupStep(logger, 'read the configuration', () => ({
  tableName: requiredEnv('VISITS_TABLE_NAME'),
  retentionDays: retentionDaysFrom(requiredEnv('RETENTION_DAYS')),
  secretArn: requiredEnv('PSEUDONYM_SECRET_ARN'),
  shards: visitShardsFrom(requiredEnv('VISIT_SHARDS')),
}));
const sites = startupStep(logger, 'read COLLECTOR_SITES', () => SiteDirectory.fromJson(process.env.COLLECTOR_SITES));
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const secrets = new SecretsManagerClient({});
const clock = () => new Date();
const database = await startupStepAsync(logger, 'open the MMDB database', opening);

export const handler = httpApi(
  createCollectorApi({
    enricher: createEnricher(database),
    sites,
    ceiling: new SiteCeiling({ client: dynamo, tableName: config.tableName, clock }),
    visitsOf: (tenantId) => new VisitsRepository({ client: dynamo, tableName: config.tableName, tenantId, shards: config.shards }),
    keys: cachedAsync(async () => deriveVisitKeys(await readPseudonymSecret(secrets, config.secretArn))),
    retentionDays: config.retentionDays,
    clock,
    newVisitId: randomUUID,
    logger,
  }),
  logger,
);
