import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HttpError, badRequest } from '../shared/http/http-error.js';
import { headerValue } from '../shared/http/json-body.js';
import { isIpHost, type CollectorSite } from '../shared/sites/site.js';
import type { PageView } from '../visits/record-visit.js';
import { pageUrlFrom } from '../visits/visit-input.js';

/**
 * The origin the browser says the request comes from: `Origin`, or failing it (absent, or `null` from
 * a sandboxed or privacy-sensitive context) the origin of `Referer`. It must be one of the site's.
 * Anyone outside a browser can forge both headers: this keeps other websites' pages from reporting
 * into a tenant's data, while the WAF and the per-site ceiling bound what a forger can send.
 */
export function verifiedOrigin(headers: APIGatewayProxyEvent['headers'], site: CollectorSite): string {
  const origin = headerValue(headers, 'origin');
  const claimed = origin !== undefined && origin !== 'null' ? origin : originOfUrl(headerValue(headers, 'referer'));
  if (claimed === undefined || !site.allowedOrigins.includes(claimed.toLowerCase())) {
    throw new HttpError(403, 'ORIGIN_NOT_ALLOWED', 'The request must come from a page on one of the site\'s allowed origins (Origin or Referer header).');
  }
  return claimed.toLowerCase();
}

/** The page view as the visit pipeline takes it: the page on the verified origin, query and fragment dropped. */
export function pageViewOn(origin: string, site: CollectorSite, pageUrl: string, referrer: string | null): PageView {
  const page = pageUrlFrom(pageUrl, 'pageUrl');
  const url = new URL(page);
  if (isIpHost(url.hostname)) {
    throw badRequest('IP_ADDRESS_HOST', '"pageUrl" names an IP address, not a website: nothing is recorded.', { field: 'pageUrl' });
  }
  if (url.origin !== origin) throw badRequest('PAGE_NOT_ON_SITE', '"pageUrl" must be a page on the origin the request comes from.', { field: 'pageUrl' });
  return { siteId: site.siteId, pageUrl: page, referrer: referrer === null ? null : pageUrlFrom(referrer, 'referrer') };
}

function originOfUrl(text: string | undefined): string | undefined {
  return text !== undefined && URL.canParse(text) ? new URL(text).origin : undefined;
}
