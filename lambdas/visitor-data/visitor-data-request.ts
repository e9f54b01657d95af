import { ROUTE_BODY_LIMITS } from '../shared/http/body-limits.js';
import { badRequest } from '../shared/http/http-error.js';
import { redactIps } from '../shared/logging/redact.js';
import { MAX_VISITOR_PAGE_SIZE } from '../shared/visits/visits-repository.js';
import { decodeSearchCursor } from './search-cursor.js';

/** The data subject's address, unchecked: parsePublicIp decides (INVALID_IP, NOT_PUBLIC_ADDRESS). */
export interface EraseVisitorDataRequest {
  readonly ip: unknown;
}

export interface SearchVisitorDataRequest extends EraseVisitorDataRequest {
  readonly limit: number;
  /** Where the previous page ended. */
  readonly after?: string;
}

export const DEFAULT_SEARCH_PAGE_SIZE = MAX_VISITOR_PAGE_SIZE;
/** An address, a page size and a cursor fit well within this. */
export const MAX_VISITOR_DATA_BODY_BYTES = ROUTE_BODY_LIMITS['/v1/visitor-data/search'];

/** Validates the body of POST /v1/visitor-data/search: { ip, limit?, cursor? }. */
export function searchRequestFrom(body: unknown): SearchVisitorDataRequest {
  const { ip, limit = DEFAULT_SEARCH_PAGE_SIZE, cursor } = bodyFields(body, ['ip', 'limit', 'cursor']);
  if (!isPageSize(limit)) {
    throw badRequest('INVALID_FIELD', `"limit" must be a whole number from 1 to ${MAX_VISITOR_PAGE_SIZE}.`, { field: 'limit' });
  }
  if (cursor !== undefined && typeof cursor !== 'string') throw badRequest('INVALID_FIELD', '"cursor" must be the nextCursor of a previous page.', { field: 'cursor' });
  return cursor === undefined ? { ip, limit } : { ip, limit, after: decodeSearchCursor(cursor) };
}

const isPageSize = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_VISITOR_PAGE_SIZE;

/** Validates the body of POST /v1/visitor-data/erase: { ip }. */
export function eraseRequestFrom(body: unknown): EraseVisitorDataRequest {
  return { ip: bodyFields(body, ['ip']).ip };
}

/** The body's fields, refusing anything but a JSON object of the allowed fields with `ip` present. */
function bodyFields(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('INVALID_BODY', `The body must be a JSON object with ${allowed.join(', ')}.`);
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).find((field) => !allowed.includes(field));
  if (unknown !== undefined) {
    // A field name is client text too: it may be the very address (`{ "81.2.69.160": … }`), never echoed.
    const field = redactIps(unknown).slice(0, 64);
    throw badRequest('UNKNOWN_FIELD', `Unknown field "${field}". Allowed: ${allowed.join(', ')}.`, { field });
  }
  if (fields.ip === undefined) throw badRequest('MISSING_FIELD', '"ip" is required: the address whose visits are meant.', { field: 'ip' });
  return fields;
}
