import type { APIGatewayProxyEvent } from 'aws-lambda';
import { badRequest } from '../shared/http/http-error.js';
import type { ApiHandler } from '../shared/http/middleware.js';
import { tenantApi, type TenantRequest } from '../shared/tenants/tenant-api.js';
import { validQuery } from '../shared/http/request-validation.js';
import { jsonResponse } from '../shared/http/responses.js';
import type { RouteTable } from '../shared/http/router.js';
import type { IpAddress } from '../shared/ip/ip-address.js';
import { parsePublicIp } from '../shared/ip/public-ip.js';
import type { TenantDirectory } from '../shared/tenants/tenant-directory.js';
import { visitView } from '../shared/visits/visit-view.js';
import { InvalidPositionError } from '../shared/visits/visits-repository.js';
import { encodeCursor } from './list-cursor.js';
import { listVisitsQueryFrom } from './list-visits-query.js';
import { recordVisitRequestFrom } from './record-visit-request.js';
import { recordOrganisationVisit, type VisitRecorderDeps } from './record-visit.js';

export interface VisitsApiDeps extends VisitRecorderDeps {
  readonly tenants: TenantDirectory;
}

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

/** Validates the request and runs the visit pipeline; a visit that is not stored is answered and forgotten. */
async function recordVisit(deps: VisitsApiDeps, { event, tenantId }: TenantRequest) {
  validQuery(event);
  const request = recordVisitRequestFrom(event);
  const outcome = await recordOrganisationVisit(deps, tenantId, request, visitorAddress(request.visitorIp, event));
  if (!outcome.stored) {
    return jsonResponse(200, {
      stored: false,
      reason: 'NOT_AN_ORGANISATION',
      classification: outcome.classification,
      message: 'Only visits from business, education or government networks are stored; nothing was stored.',
    });
  }
  return jsonResponse(201, { stored: true, visit: visitView(outcome.visit) });
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
function visitorAddress(visitorIp: string | null, event: APIGatewayProxyEvent): IpAddress {
  if (visitorIp !== null) return parsePublicIp(visitorIp);
  return parsePublicIp(event.requestContext?.identity?.sourceIp);
}
