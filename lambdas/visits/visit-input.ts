import { badRequest } from '../shared/http/http-error.js';

/**
 * An absolute http(s) URL (the request schema has checked its form and length), stored as origin and
 * path only: query strings, fragments and credentials are dropped because they often carry personal
 * data (e-mail addresses, session tokens, names) that identifying a visiting organisation does not
 * need. What the schema cannot say: that the URL parses, with a host.
 */
export function pageUrlFrom(text: string, field: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') {
    throw badRequest('INVALID_FIELD', `"${field}" must be an absolute http or https URL.`, { field });
  }
  return `${url.origin}${url.pathname}`;
}
