import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ORGANISATION_CLASSIFICATIONS } from '../shared/enrichment/classify.js';
import type { Enricher } from '../shared/enrichment/enricher.js';
import { HttpError, badRequest } from '../shared/http/http-error.js';
import { parseJsonBody } from '../shared/http/json-body.js';
import type { ApiHandler } from '../shared/http/middleware.js';
import { tenantApi, type TenantRequest } from '../shared/tenants/tenant-api.js';
import { queryParameters } from '../shared/http/query.js';
import { jsonResponse } from '../shared/http/responses.js';
import type { RouteTable } from '../shared/http/router.js';
import type { IpAddress } from '../shared/ip/ip-address.js';
import { parsePublicIp } from '../shared/ip/public-ip.js';
import { METRIC, type ServiceMetrics } from '../shared/metrics/service-metrics.js';
import type { TenantDirectory } from '../shared/tenants/tenant-directory.js';
import { companySnapshot, type Visit } from '../shared/visits/visit.js';
import type { VisitKeys } from '../shared/visits/visit-keys.js';
import { InvalidPositionError, VisitAlreadyExistsError, type VisitsRepository } from '../shared/visits/visits-repository.js';
import { encodeCursor } from './list-cursor.js';
import { listVisitsQueryFrom } from './list-visits-query.js';
import { MAX_VISIT_BODY_BYTES, recordVisitRequestFrom } from './record-visit-request.js';

export interface VisitsApiDeps {
  readonly enricher: Enricher;
  readonly tenants: TenantDirectory;
  /** The data access of one tenant: the only way this API reaches the table. */
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

const DAY_SECONDS = 86_400;

/** POST /v1/visits (record one visit of the calling tenant) and GET /v1/visits (list them). */
export function createVisitsApi(deps: VisitsApiDeps): ApiHandler {
  const routes: RouteTable<TenantRequest> = {
    '/v1/visits': {
      POST: (request) => recordVisit(deps, request),
      GET: (request) => listVisits(deps, request),
    },
  };
  return tenantApi(deps.tenants, routes);
}

/**
 * Enriches the visitor's address and stores the visit only for an organisation's network. A private
 * person's visit (residential, mobile, anonymous, …) is answered and forgotten: no purpose, no storage.
 */
async function recordVisit(deps: VisitsApiDeps, { event, tenantId }: TenantRequest) {
  queryParameters(event, []);
  const request = recordVisitRequestFrom(parseJsonBody(event, MAX_VISIT_BODY_BYTES));
  const address = visitorAddress(request.visitorIp, event);
  const { enrichment, prefixLength } = deps.enricher.enrichWithPrefixLength(address);
  if (!ORGANISATION_CLASSIFICATIONS.has(enrichment.classification)) {
    deps.logger.info('visit not stored', { tenantId, classification: enrichment.classification });
    deps.metrics?.countBy(METRIC.visitsNotStored, 'classification', enrichment.classification);
    return jsonResponse(200, {
      stored: false,
      reason: 'NOT_AN_ORGANISATION',
      classification: enrichment.classification,
      message: 'Only visits from business, education or government networks are stored; nothing was stored.',
    });
  }

  const keys = await deps.keys();
  const now = deps.clock();
  const visit: Visit = {
    visitId: deps.newVisitId(),
    siteId: request.siteId,
    pageUrl: request.pageUrl,
    referrer: request.referrer,
    visitedAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + deps.retentionDays * DAY_SECONDS,
    company: companySnapshot(enrichment, address, prefixLength),
    database: { type: enrichment.database.type, buildDate: enrichment.database.buildDate },
  };
  try {
    await deps.visitsOf(tenantId).add(visit, keys.pseudonymise(tenantId, address));
  } catch (error) {
    if (error instanceof VisitAlreadyExistsError) throw new HttpError(409, 'VISIT_CONFLICT', 'The visit could not be recorded; send it again.');
    throw error;
  }
  deps.logger.info('visit stored', { tenantId, classification: enrichment.classification, visitId: visit.visitId });
  deps.metrics?.countBy(METRIC.visitsStored, 'classification', enrichment.classification);
  return jsonResponse(201, { stored: true, visit: visitView(visit) });
}

async function listVisits(deps: VisitsApiDeps, { event, tenantId }: TenantRequest) {
  const keys = await deps.keys();
  const now = deps.clock();
  const query = listVisitsQueryFrom(event, { tenantId, cursorKey: keys.cursorKey, now, retentionDays: deps.retentionDays });
  const page = await deps
    .visitsOf(tenantId)
    .list({ ...query, siteId: query.siteId ?? undefined, now })
    .catch((error: unknown) => {
      if (error instanceof InvalidPositionError) throw badRequest('INVALID_CURSOR', 'The cursor is not one this API issued for this listing.');
      throw error;
    });
  const window = { from: query.from.toISOString(), to: query.to.toISOString() };
  const nextCursor = page.next
    ? encodeCursor(keys.cursorKey, { tenantId, ...window, siteId: query.siteId, position: page.next })
    : null;
  return jsonResponse(200, { visits: page.visits.map(visitView), nextCursor, window, siteId: query.siteId });
}

/** The address given by a server recording on its visitor's behalf, else the caller's own. */
function visitorAddress(visitorIp: unknown, event: APIGatewayProxyEvent): IpAddress {
  if (visitorIp !== undefined && visitorIp !== null) return parsePublicIp(visitorIp);
  return parsePublicIp(event.requestContext?.identity?.sourceIp);
}

function visitView(visit: Visit) {
  return { ...visit, expiresAt: new Date(visit.expiresAt * 1000).toISOString() };
}
