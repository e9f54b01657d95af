import { badRequest } from '../shared/http/http-error.js';
import { parseJsonBody, type BodyMediaType } from '../shared/http/json-body.js';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ROUTE_BODY_LIMITS } from '../shared/http/body-limits.js';

/** What the snippet sends: the site's publishable key and the page, stripped to origin and path in the browser. */
export interface PageViewRequest {
  readonly siteKey: string;
  readonly pageUrl: string;
  readonly referrer: string | null;
}

/** As in the PageViewRequest schema of lib/api/openapi.json (and RecordVisitRequest's URLs). */
const MAX_URL_LENGTH = 2048;

/**
 * navigator.sendBeacon(url, string) sends `text/plain;charset=UTF-8`, a CORS-safelisted type: the
 * browser sends the beacon at once, without a preflight OPTIONS request (which would double the
 * requests, and the cost, of every page view). The body is JSON all the same and parsed as strictly as
 * everywhere else. application/json and every other type are refused with 415, so a client cannot
 * use the public route as a general JSON endpoint.
 */
export const BEACON_MEDIA_TYPE: BodyMediaType = { pattern: /^text\/plain\s*(?:;\s*charset="?utf-8"?\s*)?$/i, name: 'text/plain (JSON text, as navigator.sendBeacon sends it)', optional: false };

const FIELDS = ['siteKey', 'pageUrl', 'referrer'] as const;

export function pageViewRequestFrom(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'headers'>): PageViewRequest {
  const body = parseJsonBody(event, ROUTE_BODY_LIMITS['/v1/collect'], BEACON_MEDIA_TYPE);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('INVALID_BODY', 'The body must be a JSON object with siteKey, pageUrl and optionally referrer.');
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).find((field) => !(FIELDS as readonly string[]).includes(field));
  if (unknown !== undefined) throw badRequest('UNKNOWN_FIELD', `Unknown field "${unknown}". Allowed: ${FIELDS.join(', ')}.`, { field: unknown });
  for (const field of ['siteKey', 'pageUrl'] as const) {
    if (fields[field] === undefined) throw badRequest('MISSING_FIELD', `"${field}" is required.`, { field });
  }
  if (typeof fields.siteKey !== 'string') throw badRequest('INVALID_FIELD', '"siteKey" must be a publishable key (a string).', { field: 'siteKey' });
  const noReferrer = fields.referrer === undefined || fields.referrer === null || fields.referrer === '';
  return { siteKey: fields.siteKey, pageUrl: urlText(fields.pageUrl, 'pageUrl'), referrer: noReferrer ? null : urlText(fields.referrer, 'referrer') };
}

function urlText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH || !/^https?:\/\/\S+$/i.test(value)) {
    throw badRequest('INVALID_FIELD', `"${field}" must be an absolute http or https URL of at most ${MAX_URL_LENGTH} characters.`, { field });
  }
  return value;
}
