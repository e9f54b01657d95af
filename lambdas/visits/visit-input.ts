import { badRequest } from '../shared/http/http-error.js';

/**
 * Field rules shared by recording (body) and listing (query): the request schemas in
 * lib/api/openapi.json state the same limits.
 */
export const SITE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
export const MAX_URL_LENGTH = 2048;

export const isSiteId = (value: unknown): value is string => typeof value === 'string' && SITE_ID_PATTERN.test(value);
export const SITE_ID_RULE = '1–100 letters, digits, dots, colons, underscores or dashes, starting with a letter or digit';

/**
 * An absolute http(s) URL, stored as origin and path only: query strings, fragments and credentials
 * are dropped because they often carry personal data (e-mail addresses, session tokens, names) that
 * identifying a visiting organisation does not need.
 */
export function pageUrlFrom(value: unknown, field: string): string {
  const url = typeof value === 'string' && value.length <= MAX_URL_LENGTH ? parseHttpUrl(value) : undefined;
  if (!url) throw badRequest('INVALID_FIELD', `"${field}" must be an absolute http or https URL of at most ${MAX_URL_LENGTH} characters.`, { field });
  return `${url.origin}${url.pathname}`;
}

/** Written out in full: http(s) scheme and no whitespace, which the URL parser would otherwise quietly trim or encode. */
const HTTP_URL = /^https?:\/\/\S+$/i;

function parseHttpUrl(text: string): URL | undefined {
  if (!HTTP_URL.test(text) || !URL.canParse(text)) return undefined;
  const url = new URL(text);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' ? url : undefined;
}
