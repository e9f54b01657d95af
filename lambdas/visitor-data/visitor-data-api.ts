import type { Logger } from '@aws-lambda-powertools/logger';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { HttpError } from '../shared/http/http-error.js';
import type { ApiHandler } from '../shared/http/middleware.js';
import { tenantApi, type TenantRequest } from '../shared/tenants/tenant-api.js';
import { validQuery } from '../shared/http/request-validation.js';
import { jsonResponse } from '../shared/http/responses.js';
import type { RouteTable } from '../shared/http/router.js';
import { parsePublicIp } from '../shared/ip/public-ip.js';
import type { TenantDirectory } from '../shared/tenants/tenant-directory.js';
import type { VisitKeysOf } from '../shared/visits/visit-keys.js';
import { visitView } from '../shared/visits/visit-view.js';
import { ErasureIncompleteError, InvalidPositionError, type VisitsRepository } from '../shared/visits/visits-repository.js';
import { renderErasureConfirmation } from './erasure-confirmation.js';
import { encodeSearchCursor, invalidSearchCursor } from './search-cursor.js';
import { eraseRequestFrom, searchRequestFrom } from './visitor-data-request.js';

export interface VisitorDataApiDeps {
  /** The tenants' data-subject-rights keys (VISITOR_DATA_API_KEYS): never their integration keys. */
  readonly tenants: TenantDirectory;
  /** The data access of one tenant: the only way this API reaches the table. */
  readonly visitsOf: (tenantId: string) => VisitsRepository;
  /** A tenant's pseudonym key, from its own secret (fetched once per container). */
  readonly keysOf: VisitKeysOf;
  /** Most visits one erase call deletes, so it ends well within the function's timeout. */
  readonly maxErasedPerRequest: number;
  /** Tenant id → its controller's data-subject request topic, where completed erasures are confirmed. */
  readonly topics: ReadonlyMap<string, string>;
  readonly sns: SNSClient;
  readonly clock: () => Date;
  readonly logger: Logger;
}

/**
 * Ten index pages, each deleted with parallel conditional deletes: a call stays far inside the
 * function's timeout however many visits an address has; `complete: false` asks for another call.
 */
export const MAX_ERASED_PER_REQUEST = 1000;

/** Logged when a completed erasure could not be confirmed to the controller. */
export const ERASURE_NOT_CONFIRMED_LOG_MESSAGE = 'erasure not confirmed to the controller';

/** What a caller with the integration key (or any other) is told: this capability has a key of its own. */
export const RIGHTS_KEY_REQUIRED =
  "Access and erasure by IP address need the tenant's data-subject-rights key, not its integration key.";

/** The log message of a search; the operations alarm counts those that found nothing (lib/enrichment/visitor-data-alarm.ts). */
export const SEARCHED_LOG_MESSAGE = 'visitor data searched';

/**
 * The controller's tools for a data subject's rights, on the calling tenant's own visits only:
 * access (POST /v1/visitor-data/search) and erasure (POST /v1/visitor-data/erase). A separate
 * capability: only the tenant's data-subject-rights key opens it (a key with a usage plan of its own
 * and a small daily quota), and every call names the data-subject request it serves, which is logged
 * with the outcome (never the address), so each use can be traced to a request. The address is in
 * the body, never the path, so it stays out of URLs and access logs; it is used only to compute the
 * tenant-scoped pseudonym the visits are stored under.
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
  const pseudonym = (await deps.keysOf(tenantId)).pseudonymise(address);
  const page = await deps
    .visitsOf(tenantId)
    .listByVisitor(pseudonym, { limit: request.limit, after: request.after })
    .catch((error: unknown) => {
      if (error instanceof InvalidPositionError) throw invalidSearchCursor();
      throw error;
    });
  deps.logger.info(SEARCHED_LOG_MESSAGE, {
    tenantId,
    requestReference: request.requestReference,
    visits: page.visits.length,
    more: page.next !== undefined,
  });
  return jsonResponse(200, {
    visits: page.visits.map(visitView),
    nextCursor: page.next === undefined ? null : encodeSearchCursor(page.next),
  });
}

async function erase(deps: VisitorDataApiDeps, { event, tenantId }: TenantRequest) {
  validQuery(event);
  const request = eraseRequestFrom(event);
  const address = parsePublicIp(request.ip);
  const pseudonym = (await deps.keysOf(tenantId)).pseudonymise(address);
  try {
    const outcome = await deps.visitsOf(tenantId).deleteByVisitor(pseudonym, deps.maxErasedPerRequest);
    deps.logger.info('visitor data erased', { tenantId, requestReference: request.requestReference, ...outcome });
    const controllerNotified = outcome.complete && (await confirmErasure(deps, tenantId, request.requestReference, outcome.deleted));
    return jsonResponse(200, { ...outcome, controllerNotified });
  } catch (error) {
    if (!(error instanceof ErasureIncompleteError)) throw error;
    deps.logger.error('visitor data erasure incomplete', {
      tenantId,
      requestReference: request.requestReference,
      deleted: error.deleted,
      error: error.cause as Error,
    });
    throw new HttpError(
      503,
      'ERASURE_INCOMPLETE',
      `The erasure was interrupted after ${error.deleted} visits were deleted; send the same request again to finish it.`,
      { deleted: error.deleted },
    );
  }
}

/**
 * Sends the controller the written confirmation of a completed erasure. The erasure stands whatever
 * happens here: a failure is logged (and answered as `controllerNotified: false`), never turned into
 * an error that would invite a retry of what is already done.
 */
async function confirmErasure(deps: VisitorDataApiDeps, tenantId: string, requestReference: string, deleted: number): Promise<boolean> {
  const topicArn = deps.topics.get(tenantId);
  const logged = { tenantId, requestReference };
  if (topicArn === undefined) {
    deps.logger.error(ERASURE_NOT_CONFIRMED_LOG_MESSAGE, { ...logged, reason: 'the tenant has no request topic' });
    return false;
  }
  const notice = renderErasureConfirmation({ tenantId, requestReference, erasedAt: deps.clock(), deleted });
  try {
    await deps.sns.send(new PublishCommand({ TopicArn: topicArn, Subject: notice.subject, Message: notice.body }));
    return true;
  } catch (error) {
    deps.logger.error(ERASURE_NOT_CONFIRMED_LOG_MESSAGE, { ...logged, error: error as Error });
    return false;
  }
}
