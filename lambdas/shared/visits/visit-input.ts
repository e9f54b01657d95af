import { badRequest } from '../http/http-error.js';
import { isIpHost } from '../sites/site.js';
import { isIpAddressText, scrubbedPath } from './url-scrubbing.js';

/** The stable code of a field refused because it is (or is hosted at) an IP address. */
export const IP_ADDRESS_NOT_ALLOWED = 'IP_ADDRESS_NOT_ALLOWED';

/** Where a refused value came from: a body field (INVALID_FIELD) or a query parameter (INVALID_PARAMETER). */
export type InputPlace = { readonly field: string } | { readonly parameter: string };

/**
 * A site id as it may be stored or filtered on (the request schema has checked its form): the site's
 * name, never an IP address (which may be a person's).
 */
export function siteIdFrom(value: string, place: InputPlace): string {
  if (isIpAddressText(value)) {
    const name = 'field' in place ? place.field : place.parameter;
    throw badRequest(IP_ADDRESS_NOT_ALLOWED, `"${name}" must name the website (e.g. www.example.com), not an IP address.`, place);
  }
  return value;
}

/**
 * An absolute http(s) URL (the request schema has checked its form and length), stored as origin and
 * scrubbed path only: query strings, fragments and credentials are dropped because they often carry
 * personal data (e-mail addresses, session tokens, names) that identifying a visiting organisation
 * does not need; IP addresses, e-mail addresses and long opaque tokens in the path are replaced (see
 * url-scrubbing.ts). What the schema cannot say: that the URL parses, with a host. A URL whose host is
 * an IP address is refused: that host may be a person's machine.
 */
export function pageUrlFrom(text: string, field: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') {
    throw badRequest('INVALID_FIELD', `"${field}" must be an absolute http or https URL.`, { field });
  }
  if (isIpHost(url.hostname)) {
    throw badRequest(IP_ADDRESS_NOT_ALLOWED, `"${field}" must be a URL with a host name, not an IP address.`, { field });
  }
  return `${url.origin}${scrubbedPath(url.pathname)}`;
}
