import { ROUTE_BODY_LIMITS } from '../shared/http/body-limits.js';
import { badRequest } from '../shared/http/http-error.js';
import { isSiteId, pageUrlFrom, SITE_ID_RULE } from './visit-input.js';

export interface RecordVisitRequest {
  readonly siteId: string;
  /** Origin and path of the visited page. */
  readonly pageUrl: string;
  readonly referrer: string | null;
  /** The visitor's address when a server records on its visitor's behalf; else the caller's own address is used. */
  readonly visitorIp: unknown;
}

const FIELDS = ['siteId', 'pageUrl', 'referrer', 'visitorIp'] as const;
/** Two URLs of 2048 characters and the rest fit well within this. */
export const MAX_VISIT_BODY_BYTES = ROUTE_BODY_LIMITS['/v1/visits'];

/** Validates the body of POST /v1/visits. The visitor IP is checked later, with the caller's address as fallback. */
export function recordVisitRequestFrom(body: unknown): RecordVisitRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('INVALID_BODY', 'The body must be a JSON object with siteId, pageUrl and optionally referrer and visitorIp.');
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).find((field) => !(FIELDS as readonly string[]).includes(field));
  if (unknown !== undefined) throw badRequest('UNKNOWN_FIELD', `Unknown field "${unknown}". Allowed: ${FIELDS.join(', ')}.`, { field: unknown });
  for (const field of ['siteId', 'pageUrl'] as const) {
    if (fields[field] === undefined) throw badRequest('MISSING_FIELD', `"${field}" is required.`, { field });
  }
  if (!isSiteId(fields.siteId)) throw badRequest('INVALID_FIELD', `"siteId" must be ${SITE_ID_RULE}.`, { field: 'siteId' });
  const noReferrer = fields.referrer === undefined || fields.referrer === null || fields.referrer === '';
  return {
    siteId: fields.siteId,
    pageUrl: pageUrlFrom(fields.pageUrl, 'pageUrl'),
    referrer: noReferrer ? null : pageUrlFrom(fields.referrer, 'referrer'),
    visitorIp: fields.visitorIp,
  };
}
