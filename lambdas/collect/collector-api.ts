import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HttpError } from '../shared/http/http-error.js';
import type { ApiHandler } from '../shared/http/middleware.js';
import { validQuery } from '../shared/http/request-validation.js';
import { selectRoute, type RouteTable } from '../shared/http/router.js';
import { parsePublicIp } from '../shared/ip/public-ip.js';
import { recordOrganisationVisit, type VisitRecorderDeps } from '../visits/record-visit.js';
import { notRecordedReason } from './not-recorded.js';
import { pageViewOn, verifiedOrigin } from './page-origin.js';
import { pageViewRequestFrom } from './page-view-request.js';
import type { SiteCeiling } from './site-ceiling.js';
import type { SiteDirectory } from './site-directory.js';
import { snippetFile, type SnippetFile } from './snippet/snippet-file.js';

export interface CollectorApiDeps extends VisitRecorderDeps {
  readonly sites: SiteDirectory;
  readonly ceiling: Pick<SiteCeiling, 'admit'>;
  /** @default the snippet of this release */
  readonly snippet?: SnippetFile;
}

export const COLLECT_ROUTE = '/v1/collect';
export const SNIPPET_ROUTE = '/v1/snippet.js';

/** A year: a versioned snippet URL never changes its content, so browsers and proxies may keep it. */
const VERSIONED_MAX_AGE = 31_536_000;
/** The unversioned URL follows releases within the hour. */
const LATEST_MAX_AGE = 3_600;

/**
 * The public collector (POST /v1/collect: the visitor's browser reports a page view with the site's
 * publishable key) and the snippet that calls it (GET /v1/snippet.js). No API key: the site is named
 * by its publishable key and must be reported from one of its origins.
 */
export function createCollectorApi(deps: CollectorApiDeps): ApiHandler {
  const snippet = deps.snippet ?? snippetFile();
  const routes: RouteTable<APIGatewayProxyEvent> = {
    [COLLECT_ROUTE]: { POST: (event) => collect(deps, event) },
    [SNIPPET_ROUTE]: { GET: async (event) => serveSnippet(snippet, event) },
  };
  return async (event) => selectRoute(routes, event)(event);
}

/**
 * Validates the page view in a fixed order (body, key, origin, page), then answers 204 without recording
 * for a privacy signal the site honours or an automated agent, then applies the site's ceiling and runs
 * the visit pipeline of POST /v1/visits. The visitor's address is the connection's (API Gateway's
 * sourceIp); X-Forwarded-For, Forwarded and X-Real-IP are never read.
 */
async function collect(deps: CollectorApiDeps, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  validQuery(event);
  const request = pageViewRequestFrom(event);
  const site = deps.sites.siteOf(request.siteKey);
  const origin = verifiedOrigin(event.headers, site);
  const page = pageViewOn(origin, site, request.pageUrl, request.referrer);
  const reason = notRecordedReason(event.headers, site);
  if (reason !== undefined) {
    deps.logger.info('page view not recorded', { tenantId: site.tenantId, siteId: site.siteId, reason });
    return noContent(origin);
  }
  await deps.ceiling.admit(site);
  await recordOrganisationVisit(deps, site.tenantId, page, parsePublicIp(event.requestContext?.identity?.sourceIp));
  return noContent(origin);
}

/** 204, no body; readable (CORS) by the site's own origin only. */
function noContent(origin: string): APIGatewayProxyResult {
  return {
    statusCode: 204,
    headers: { 'access-control-allow-origin': origin, vary: 'Origin', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
    body: '',
  };
}

function serveSnippet(snippet: SnippetFile, event: APIGatewayProxyEvent): APIGatewayProxyResult {
  const { v } = validQuery(event);
  if (v !== undefined && v !== snippet.version) {
    throw new HttpError(404, 'SNIPPET_VERSION_UNKNOWN', `This API serves snippet version ${snippet.version}; see the README for its script tag.`, {
      version: snippet.version,
    });
  }
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': `public, max-age=${v === undefined ? LATEST_MAX_AGE : `${VERSIONED_MAX_AGE}, immutable`}`,
      etag: snippet.etag,
      'x-snippet-version': snippet.version,
      // Any page may load it, with SRI (crossorigin="anonymous" makes it a CORS request).
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
    },
    body: snippet.source,
  };
}
