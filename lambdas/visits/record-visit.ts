import type { Logger } from '@aws-lambda-powertools/logger';
import { ORGANISATION_CLASSIFICATIONS, type Classification } from '../shared/enrichment/classify.js';
import type { Enricher } from '../shared/enrichment/enricher.js';
import { HttpError } from '../shared/http/http-error.js';
import type { IpAddress } from '../shared/ip/ip-address.js';
import { METRIC, type ServiceMetrics } from '../shared/metrics/service-metrics.js';
import { companySnapshot, type Visit } from '../shared/visits/visit.js';
import type { VisitKeys } from '../shared/visits/visit-keys.js';
import { VisitAlreadyExistsError, type VisitsRepository } from '../shared/visits/visits-repository.js';

/** What recording a visit needs, whoever reports it (the tenant's server or the visitor's browser). */
export interface VisitRecorderDeps {
  readonly enricher: Enricher;
  /** The data access of one tenant: the only way a visit reaches the table. */
  readonly visitsOf: (tenantId: string) => VisitsRepository;
  /** The pseudonym and cursor keys (fetched once per container). */
  readonly keys: () => Promise<VisitKeys>;
  readonly retentionDays: number;
  readonly clock: () => Date;
  readonly newVisitId: () => string;
  readonly logger: Logger;
  /** Visits stored and not stored, per classification. @default not counted */
  readonly metrics?: ServiceMetrics;
}

/** A validated page view: origin and path only (see pageUrlFrom). */
export interface PageView {
  readonly siteId: string;
  readonly pageUrl: string;
  readonly referrer: string | null;
}

export type RecordOutcome =
  | { readonly stored: true; readonly visit: Visit }
  | { readonly stored: false; readonly classification: Classification };

const DAY_SECONDS = 86_400;

/**
 * The one visit pipeline (POST /v1/visits and the public collector): enriches the visitor's address and
 * stores the visit only for an organisation's network, pseudonymised, with the retention as TTL. A
 * private person's visit (residential, mobile, anonymous, …) is forgotten: no purpose, no storage.
 */
export async function recordOrganisationVisit(deps: VisitRecorderDeps, tenantId: string, page: PageView, address: IpAddress): Promise<RecordOutcome> {
  const { enrichment, prefixLength } = deps.enricher.enrichWithPrefixLength(address);
  if (!ORGANISATION_CLASSIFICATIONS.has(enrichment.classification)) {
    deps.logger.info('visit not stored', { tenantId, classification: enrichment.classification });
    deps.metrics?.countBy(METRIC.visitsNotStored, 'classification', enrichment.classification);
    return { stored: false, classification: enrichment.classification };
  }

  const keys = await deps.keys();
  const now = deps.clock();
  const visit: Visit = {
    visitId: deps.newVisitId(),
    siteId: page.siteId,
    pageUrl: page.pageUrl,
    referrer: page.referrer,
    visitedAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + deps.retentionDays * DAY_SECONDS,
    company: companySnapshot(enrichment, address, prefixLength),
    database: { type: deps.enricher.source.type, buildDate: deps.enricher.source.buildDate },
  };
  try {
    await deps.visitsOf(tenantId).add(visit, keys.pseudonymise(tenantId, address));
  } catch (error) {
    if (error instanceof VisitAlreadyExistsError) throw new HttpError(409, 'VISIT_CONFLICT', 'The visit could not be recorded; send it again.');
    throw error;
  }
  deps.logger.info('visit stored', { tenantId, classification: enrichment.classification, visitId: visit.visitId });
  deps.metrics?.countBy(METRIC.visitsStored, 'classification', enrichment.classification);
  return { stored: true, visit };
}
