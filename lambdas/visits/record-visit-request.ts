import { badRequest } from '../shared/http/http-error.js';
import { pageUrlFrom, siteIdFrom } from '../shared/visits/visit-input.js';

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
export const MAX_VISIT_BODY_BYTES = 8 * 1024;

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
  const noReferrer = fields.referrer === undefined || fields.referrer === null || fields.referrer === '';
  return {
    siteId: siteIdFrom(fields.siteId, { field: 'siteId' }),
    pageUrl: pageUrlFrom(fields.pageUrl, 'pageUrl'),
    referrer: noReferrer ? null : pageUrlFrom(fields.referrer, 'referrer'),
    visitorIp: fields.visitorIp,
  };
}
