import openapi from './openapi.json' with { type: 'json' };

/**
 * THE ROUTE MANIFEST: every method of the REST API, declared once. The CDK stack (lib/enrichment/
 * enrichment-api.ts), the local server (bin/local/local-api.ts), the in-process test API and the
 * functions' own request validation (lambdas/shared/http/request-validation.ts) all read this table;
 * test/lambdas/openapi/route-manifest.test.ts proves that they and lib/api/openapi.json agree.
 * Adding a route is one entry here, plus its function (and that function's place in the stack's and
 * the local server's function map, if the function is new).
 *
 * Plain data and types only: Lambda bundles import it, so it must never import aws-cdk-lib.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/**
 * How API Gateway lets a caller in:
 * - `apiKey`: a tenant's x-api-key, throttled by that tenant's usage plan (rate and burst from the configuration);
 * - `iam`: an operator's SigV4 signature (AWS_IAM); not part of the tenant-facing OpenAPI document;
 * - `public`: anyone (website visitors), throttled by the route's own `throttle` and the firewall's per-IP limit.
 */
export type RouteAuthorisation = 'apiKey' | 'iam' | 'public';

/** The function serving a route; the stack and the local server map each name to their function. */
export type RouteFunction = 'enrich' | 'visits' | 'visitorData' | 'dataSubjectRequests' | 'breachReport' | 'collect' | 'complianceRegister';

/** A request body schema of lib/api/openapi.json (components.schemas), written draft-4 compatible. */
export type RequestSchemaName = keyof typeof openapi.components.schemas;

export interface RouteThrottle {
  /** Steady requests per second, for the whole route (all callers together). */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** What a browser on another origin may do (answered by the function, preflight included). */
export interface RouteCors {
  readonly allowOrigin: string;
  readonly allowMethods: readonly HttpMethod[];
  readonly allowHeaders: readonly string[];
  readonly maxAgeSeconds: number;
}

export interface ApiRoute {
  readonly method: HttpMethod;
  /** API Gateway resource template, e.g. /v1/enrich/{ip}. */
  readonly path: string;
  readonly function: RouteFunction;
  readonly authorisation: RouteAuthorisation;
  /**
   * The JSON body's schema: the gateway's request model and the function's validation both use it.
   * The gateway validates a body only for the content type with a model, so the function refuses any other (415).
   */
  readonly requestSchema?: RequestSchemaName;
  /** A method-level limit for all callers together; required for public routes (no usage plan applies). */
  readonly throttle?: RouteThrottle;
  readonly cors?: RouteCors;
  /** Why anyone may call this public route (cdk-nag's authorizer findings are acknowledged with it). */
  readonly publicBecause?: string;
}

/** The public data-subject request form is embedded in controllers' websites: any origin may send a JSON POST. */
export const DATA_SUBJECT_FORM_CORS: RouteCors = {
  allowOrigin: '*',
  allowMethods: ['POST', 'OPTIONS'],
  allowHeaders: ['content-type'],
  maxAgeSeconds: 3600,
};
const PUBLIC_ROUTE_THROTTLE: RouteThrottle = { rateLimit: 2, burstLimit: 10 };
/**
 * Page views of every configured site together: one beacon per page view, so far above the request form's
 * limit. One site cannot take it all: the per-site ceiling (each site's pageViewsPerMinute) refuses
 * a site's excess in the function, and the firewall limits each client address on this route.
 */
export const COLLECTOR_THROTTLE: RouteThrottle = { rateLimit: 200, burstLimit: 400 };
/** The snippet is cached by browsers for a year at its versioned URL: few requests. */
const SNIPPET_THROTTLE: RouteThrottle = { rateLimit: 50, burstLimit: 100 };
const COLLECTOR_PUBLIC_BECAUSE =
  "Public by design: website visitors' browsers report page views with the site's publishable key, which records page " +
  'views for that site from its own origins and nothing else (no listing, search or enrichment). Method-throttled, ' +
  'per-site ceiling in the function, per-IP WAF rule on the route.';

export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', path: '/v1/enrich/{ip}', function: 'enrich', authorisation: 'apiKey' },
  { method: 'POST', path: '/v1/enrich', function: 'enrich', authorisation: 'apiKey', requestSchema: 'BatchRequest' },
  { method: 'GET', path: '/v1/health', function: 'enrich', authorisation: 'apiKey' },
  { method: 'POST', path: '/v1/visits', function: 'visits', authorisation: 'apiKey', requestSchema: 'RecordVisitRequest' },
  { method: 'GET', path: '/v1/visits', function: 'visits', authorisation: 'apiKey' },
  { method: 'POST', path: '/v1/visitor-data/search', function: 'visitorData', authorisation: 'apiKey', requestSchema: 'VisitorDataSearchRequest' },
  { method: 'POST', path: '/v1/visitor-data/erase', function: 'visitorData', authorisation: 'apiKey', requestSchema: 'VisitorDataEraseRequest' },
  {
    method: 'POST',
    path: '/v1/data-subject-requests',
    function: 'dataSubjectRequests',
    authorisation: 'public',
    requestSchema: 'DataSubjectRequest',
    throttle: PUBLIC_ROUTE_THROTTLE,
    cors: DATA_SUBJECT_FORM_CORS,
  },
  {
    method: 'OPTIONS',
    path: '/v1/data-subject-requests',
    function: 'dataSubjectRequests',
    authorisation: 'public',
    throttle: PUBLIC_ROUTE_THROTTLE,
    cors: DATA_SUBJECT_FORM_CORS,
  },
  { method: 'GET', path: '/v1/compliance/register', function: 'complianceRegister', authorisation: 'apiKey' },
  // The body is text/plain (what navigator.sendBeacon sends, no CORS preflight): the function validates it.
  { method: 'POST', path: '/v1/collect', function: 'collect', authorisation: 'public', throttle: COLLECTOR_THROTTLE, publicBecause: COLLECTOR_PUBLIC_BECAUSE },
  {
    method: 'GET',
    path: '/v1/snippet.js',
    function: 'collect',
    authorisation: 'public',
    throttle: SNIPPET_THROTTLE,
    publicBecause: 'Public by design: the page-view snippet is a static script every visitor\'s browser loads; it holds no data.',
  },
  // The breach report's schema is lambdas/breach-shared/report-schema.ts (validated by the function only).
  { method: 'POST', path: '/v1/operator/breaches', function: 'breachReport', authorisation: 'iam' },
];

/** `METHOD /path`, the key every view of the API uses for a route. */
export const routeKey = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;

const BY_KEY: ReadonlyMap<string, ApiRoute> = new Map(API_ROUTES.map((route) => [routeKey(route.method, route.path), route]));

/** The manifest's route for a method and resource template; undefined for anything not declared. */
export const findRoute = (method: string, path: string): ApiRoute | undefined => BY_KEY.get(routeKey(method, path));

/**
 * Routes lib/api/openapi.json documents: the tenant and public API. Operator routes (IAM) are
 * documented in the README, CORS preflights by the `cors` of the route they precede.
 */
export const isDocumentedRoute = (route: ApiRoute): boolean => route.authorisation !== 'iam' && route.method !== 'OPTIONS';
