import { badRequest } from '../http/http-error.js';
import { isIpAddressText, isIpHost, scrubbedPath } from './url-scrubbing.js';

/**
 * Field rules shared by recording (body) and listing (query): the request schemas in
 * lib/api/openapi.json state the same limits.
 */
export const SITE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
export const MAX_URL_LENGTH = 2048;

export const isSiteId = (value: unknown): value is string => typeof value === 'string' && SITE_ID_PATTERN.test(value);
export const SITE_ID_RULE = '1–100 letters, digits, dots, colons, underscores or dashes, starting with a letter or digit';

/** The stable code of a field refused because it is (or is hosted at) an IP address. */
export const IP_ADDRESS_NOT_ALLOWED = 'IP_ADDRESS_NOT_ALLOWED';

/** Where a refused value came from: a body field (INVALID_FIELD) or a query parameter (INVALID_PARAMETER). */
export type InputPlace = { readonly field: string } | { readonly parameter: string };

/** A site id as it may be stored or filtered on: the site's name, never an IP address (which may be a person's). */
export function siteIdFrom(value: unknown, place: InputPlace): string {
  const name = 'field' in place ? place.field : place.parameter;
  if (!isSiteId(value)) throw badRequest('field' in place ? 'INVALID_FIELD' : 'INVALID_PARAMETER', `"${name}" must be ${SITE_ID_RULE}.`, place);
  if (isIpAddressText(value)) {
    throw badRequest(IP_ADDRESS_NOT_ALLOWED, `"${name}" must name the website (e.g. www.example.com), not an IP address.`, place);
  }
  return value;
}

/**
 * An absolute http(s) URL, stored as origin and scrubbed path only: query strings, fragments and
 * credentials are dropped because they often carry personal data (e-mail addresses, session tokens,
 * names) that identifying a visiting organisation does not need; IP addresses, e-mail addresses and
 * long opaque tokens in the path are replaced (see url-scrubbing.ts). A URL whose host is an IP
 * address is refused: that host may be a person's machine.
 */
export function pageUrlFrom(value: unknown, field: string): string {
  const url = typeof value === 'string' && value.length <= MAX_URL_LENGTH ? parseHttpUrl(value) : undefined;
  if (!url) throw badRequest('INVALID_FIELD', `"${field}" must be an absolute http or https URL of at most ${MAX_URL_LENGTH} characters.`, { field });
  if (isIpHost(url.hostname)) {
    throw badRequest(IP_ADDRESS_NOT_ALLOWED, `"${field}" must be a URL with a host name, not an IP address.`, { field });
  }
  return `${url.origin}${scrubbedPath(url.pathname)}`;
}

/** Written out in full: http(s) scheme and no whitespace, which the URL parser would otherwise quietly trim or encode. */
const HTTP_URL = /^https?:\/\/\S+$/i;

function parseHttpUrl(text: string): URL | undefined {
  if (!HTTP_URL.test(text) || !URL.canParse(text)) return undefined;
  const url = new URL(text);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' ? url : undefined;
}
