import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ROUTE_BODY_LIMITS } from '../shared/http/body-limits.js';
import { validBody } from '../shared/http/request-validation.js';
import { badRequest } from '../shared/http/http-error.js';
import { redactIps } from '../shared/logging/redact.js';
import { MAX_VISITOR_PAGE_SIZE } from '../shared/visits/visits-repository.js';
import { decodeSearchCursor } from './search-cursor.js';

/** The data subject's address as given (parsePublicIp decides: INVALID_IP, NOT_PUBLIC_ADDRESS), and the request it serves. */
export interface EraseVisitorDataRequest {
  readonly ip: string;
  /** The data-subject request this call serves (the controller's case number or the DSR- reference): the audit trail's link. */
  readonly requestReference: string;
}

export interface SearchVisitorDataRequest extends EraseVisitorDataRequest {
  readonly limit: number;
  /** Where the previous page ended. */
  readonly after?: string;
}

export const DEFAULT_SEARCH_PAGE_SIZE = MAX_VISITOR_PAGE_SIZE;
/** An address, a page size and a cursor fit well within this. */
export const MAX_VISITOR_DATA_BODY_BYTES = ROUTE_BODY_LIMITS['/v1/visitor-data/search'];

/** The body of POST /v1/visitor-data/search (schema VisitorDataSearchRequest), with its cursor decoded. */
export function searchRequestFrom(event: APIGatewayProxyEvent): SearchVisitorDataRequest {
  const { ip, requestReference, limit = DEFAULT_SEARCH_PAGE_SIZE, cursor } = validBody<{ ip: string; requestReference: string; limit?: number; cursor?: string }>(
    event,
    MAX_VISITOR_DATA_BODY_BYTES,
  );
  const request = { ip, requestReference: checkedReference(requestReference), limit };
  return cursor === undefined ? request : { ...request, after: decodeSearchCursor(cursor) };
}

/** The body of POST /v1/visitor-data/erase (schema VisitorDataEraseRequest). */
export function eraseRequestFrom(event: APIGatewayProxyEvent): EraseVisitorDataRequest {
  const { ip, requestReference } = validBody<EraseVisitorDataRequest>(event, MAX_VISITOR_DATA_BODY_BYTES);
  return { ip, requestReference: checkedReference(requestReference) };
}

/**
 * The schema gives the reference's form (no `@`, so no e-mail address); it is logged, so it must not be
 * personal data itself: what the pattern cannot say is that it holds no IP address.
 */
function checkedReference(requestReference: string): string {
  if (redactIps(requestReference) !== requestReference) {
    throw badRequest('INVALID_FIELD', '"requestReference" must name the request, not hold an IP address.', { field: 'requestReference' });
  }
  return requestReference;
}
