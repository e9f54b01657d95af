import type { Enricher, Enrichment } from '../enrichment/enricher.js';
import { METRIC, type ServiceMetrics } from './service-metrics.js';

/** The enricher, counting every lookup and those the database holds no record for (a stale or wrong database shows here first). */
export function countingEnricher(enricher: Enricher, metrics: ServiceMetrics): Enricher {
  const count = (enrichment: Enrichment) => {
    metrics.count(METRIC.lookups);
    if (!enrichment.found) metrics.count(METRIC.lookupsWithoutRecord);
  };
  return {
    database: enricher.database,
    source: enricher.source,
    enrich: (address) => {
      const enrichment = enricher.enrich(address);
      count(enrichment);
      return enrichment;
    },
    enrichWithPrefixLength: (address) => {
      const result = enricher.enrichWithPrefixLength(address);
      count(result.enrichment);
      return result;
    },
  };
}
