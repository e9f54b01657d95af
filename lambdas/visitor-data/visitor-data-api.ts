import type { Logger } from '@aws-lambda-powertools/logger';
import { HttpError } from '../shared/http/http-error.js';
import type { ApiHandler } from '../shared/http/middleware.js';
import { tenantApi, type TenantRequest } from '../shared/tenants/tenant-api.js';
import { validQuery } from '../shared/http/request-validation.js';
import { jsonResponse } from '../shared/http/responses.js';
import type { RouteTable } from '../shared/http/router.js';
import { parsePublicIp } from '../shared/ip/public-ip.js';
import type { TenantDirectory } from '../shared/tenants/tenant-directory.js';
import type { VisitKeys } from '../shared/visits/visit-keys.js';
import { visitView } from '../shared/visits/visit-view.js';
import { ErasureIncompleteError, InvalidPositionError, type VisitsRepository } from '../shared/visits/visits-repository.js';
import { encodeSearchCursor, invalidSearchCursor } from './search-cursor.js';
import { eraseRequestFrom, searchRequestFrom } from './visitor-data-request.js';

export interface VisitorDataApiDeps {
  readonly tenants: TenantDirectory;
  /** The data access of one tenant: the only way this API reaches the table. */
  readonly visitsOf: (tenantId: string) => VisitsRepository;
  /** The pseudonym key (fetched once per container). */
  readonly keys: () => Promise<VisitKeys>;
  /** Most visits one erase call deletes, so it ends well within the function's timeout. */
  readonly maxErasedPerRequest: number;
  readonly logger: Logger;
}

/**
 * Ten index pages, each deleted with parallel conditional deletes: a call stays far inside the
 * function's timeout however many visits an address has; `complete: false` asks for another call.
 */
export const MAX_ERASED_PER_REQUEST = 1000;

/**
 * The controller's tools for a data subject's rights, on the calling tenant's own visits only:
 * access (POST /v1/visitor-data/search) and erasure (POST /v1/visitor-data/erase). The address is
 * in the body, never the path, so it stays out of URLs and access logs; it is used only to compute
 * the tenant-scoped pseudonym the visits are stored under.
 */
export function createVisitorDataApi(deps: VisitorDataApiDeps): ApiHandler {
  const routes: RouteTable<TenantRequest> = {
    '/v1/visitor-data/search': { POST: (request) => search(deps, request) },
    '/v1/visitor-data/erase': { POST: (request) => erase(deps, request) },
  };
  return tenantApi(deps.tenants, routes);
}

async function search(deps: VisitorDataApiDeps, { event, tenantId }: TenantRequest) {
  validQuery(event);
  const request = searchRequestFrom(event);
  const address = parsePublicIp(request.ip);
  const pseudonym = (await deps.keys()).pseudonymise(tenantId, address);
  const page = await deps
    .visitsOf(tenantId)
    .listByVisitor(pseudonym, { limit: request.limit, after: request.after })
    .catch((error: unknown) => {
      if (error instanceof InvalidPositionError) throw invalidSearchCursor();
      throw error;
    });
  deps.logger.info('visitor data searched', { tenantId, visits: page.visits.length, more: page.next !== undefined });
  return jsonResponse(200, {
    visits: page.visits.map(visitView),
    nextCursor: page.next === undefined ? null : encodeSearchCursor(page.next),
  });
}

async function erase(deps: VisitorDataApiDeps, { event, tenantId }: TenantRequest) {
  validQuery(event);
  const request = eraseRequestFrom(event);
  const address = parsePublicIp(request.ip);
  const pseudonym = (await deps.keys()).pseudonymise(tenantId, address);
  try {
    const outcome = await deps.visitsOf(tenantId).deleteByVisitor(pseudonym, deps.maxErasedPerRequest);
    deps.logger.info('visitor data erased', { tenantId, ...outcome });
    return jsonResponse(200, outcome);
  } catch (error) {
    if (!(error instanceof ErasureIncompleteError)) throw error;
    deps.logger.error('visitor data erasure incomplete', { tenantId, deleted: error.deleted, error: error.cause as Error });
    throw new HttpError(
      503,
      'ERASURE_INCOMPLETE',
      `The erasure was interrupted after ${error.deleted} visits were deleted; send the same request again to finish it.`,
      { deleted: error.deleted },
    );
  }
}
