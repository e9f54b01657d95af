import { startedEarly, startupStep, startupStepAsync } from '../shared/config/startup.js';
import { createEnricher } from '../shared/enrichment/enricher.js';
import { MmdbDatabase } from '../shared/enrichment/mmdb-database.js';
import { httpApi } from '../shared/http/middleware.js';
import { createLogger } from '../shared/logging/logger.js';
import { countingEnricher } from '../shared/metrics/counting-enricher.js';
import { createServiceMetrics, metricsMiddleware } from '../shared/metrics/service-metrics.js';
import { TenantDirectory } from '../shared/tenants/tenant-directory.js';
import { createEnrichApi } from './enrich-api.js';

// Module scope runs once per container (Lambda init): a missing or corrupt database or a bad
// configuration fails the init with one clear log line instead of failing every request.
// The database file is read on the thread pool while the rest of the init runs.
const opening = startedEarly(MmdbDatabase.openDeployed());
const logger = createLogger('enrich');
const tenants = startupStep(logger, 'read TENANT_API_KEYS', () => TenantDirectory.fromJson(process.env.TENANT_API_KEYS));
const database = await startupStepAsync(logger, 'open the MMDB database', opening);

const metrics = createServiceMetrics('enrich');

export const handler = httpApi(
  createEnrichApi({ enricher: countingEnricher(createEnricher(database), metrics), tenants }),
  logger,
  metricsMiddleware(metrics, tenants),
);
