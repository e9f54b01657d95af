import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ROUTE_BODY_LIMITS } from '../shared/http/body-limits.js';
import { validBody } from '../shared/http/request-validation.js';
import { MAX_VISITOR_PAGE_SIZE } from '../shared/visits/visits-repository.js';
import { decodeSearchCursor } from './search-cursor.js';

/** The data subject's address as given: parsePublicIp decides whether it is one (INVALID_IP, NOT_PUBLIC_ADDRESS). */
export interface EraseVisitorDataRequest {
  readonly ip: string;
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
  const { ip, limit = DEFAULT_SEARCH_PAGE_SIZE, cursor } = validBody<{ ip: string; limit?: number; cursor?: string }>(event, MAX_VISITOR_DATA_BODY_BYTES);
  return cursor === undefined ? { ip, limit } : { ip, limit, after: decodeSearchCursor(cursor) };
}

/** The body of POST /v1/visitor-data/erase (schema VisitorDataEraseRequest). */
export const eraseRequestFrom = (event: APIGatewayProxyEvent): EraseVisitorDataRequest =>
  validBody<EraseVisitorDataRequest>(event, MAX_VISITOR_DATA_BODY_BYTES);
