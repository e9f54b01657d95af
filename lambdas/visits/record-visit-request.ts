import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ROUTE_BODY_LIMITS } from '../shared/http/body-limits.js';
import { validBody } from '../shared/http/request-validation.js';
import { pageUrlFrom, siteIdFrom } from '../shared/visits/visit-input.js';

export interface RecordVisitRequest {
  readonly siteId: string;
  /** Origin and path of the visited page. */
  readonly pageUrl: string;
  readonly referrer: string | null;
  /** The visitor's address when a server records on its visitor's behalf; else the caller's own address is used. */
  readonly visitorIp: string | null;
}

/** Two URLs of 2048 characters and the rest fit well within this. */
export const MAX_VISIT_BODY_BYTES = ROUTE_BODY_LIMITS['/v1/visits'];

/**
 * The body of POST /v1/visits (schema RecordVisitRequest), its URLs cut to origin and path. The
 * visitor IP is checked later, with the caller's address as fallback.
 */
export function recordVisitRequestFrom(event: APIGatewayProxyEvent): RecordVisitRequest {
  const body = validBody<{ siteId: string; pageUrl: string; referrer?: string | null; visitorIp?: string | null }>(event, MAX_VISIT_BODY_BYTES);
  return {
    siteId: siteIdFrom(body.siteId, { field: 'siteId' }),
    pageUrl: pageUrlFrom(body.pageUrl, 'pageUrl'),
    referrer: body.referrer ? pageUrlFrom(body.referrer, 'referrer') : null,
    visitorIp: body.visitorIp ?? null,
  };
}
