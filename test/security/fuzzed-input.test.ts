import fc from 'fast-check';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleReport } from '../breach/support/sample-report.js';
import { lambdaContext, proxyEvent, type EventParts } from '../support/api-gateway-events.js';
import { capturedOutput } from '../support/captured-output.js';
import { requestTo, type FuzzedRequest } from './support/fuzz-arbitraries.js';
import { ROUTES, startInProcessFunctions, type InProcessFunctions } from './support/in-process-api.js';
import { deployedRoutes, documentedOperations } from './support/route-catalog.js';
import { synthesizeApp } from './support/stack-resources.js';

/**
 * Bad input, fuzzed: property-based tests (fast-check) over every route of lib/api/openapi.json and of
 * the deployed REST API, each served in-process by its production function on local dependencies.
 * Path parameters, query strings, headers, identities and bodies follow the documented schemas or are
 * hostile. Whatever comes in, the answer is a 2xx, or a 4xx with the JSON error shape; never a 5xx or
 * a thrown exception, and the stores change only on a successful write.
 */

const NUM_RUNS = 200;

/** How a successful answer of a route may change the visits table (items added or removed); every other answer changes nothing. */
const VISIT_WRITES: Readonly<Record<string, (status: number, body: any) => number>> = {
  'POST /v1/visits': (status) => (status === 201 ? 1 : 0),
  'POST /v1/visitor-data/erase': (status, body) => (status === 200 ? 0 - body.deleted : 0),
};
/** Routes whose successful answer does not say whether a visit was stored (the collector's 204): either is allowed. */
const UNDISCLOSED_VISIT_WRITES: Readonly<Record<string, (status: number) => readonly number[]>> = {
  'POST /v1/collect': (status) => (status === 204 ? [0, 1] : [0]),
};
/** Routes whose successful answers add versions to the breach register (nothing else may). */
const REGISTER_WRITERS = new Set(['POST /v1/operator/breaches']);
/**
 * Every dependency here is healthy: a stored breach report must then reach every affected controller
 * at once (202 = stored but a notice is pending, which only an outage excuses).
 */
const HEALTHY_STATUS: Readonly<Record<string, (status: number) => boolean>> = {
  'POST /v1/operator/breaches': (status) => status !== 202,
};

/** Inputs that once broke a route: always tried first, besides the generated ones. */
const LONE_SURROGATE = '\\ud800'; // a JSON escape: the parsed string holds an unpaired UTF-16 surrogate
const REGRESSIONS: Readonly<Record<string, readonly FuzzedRequest[]>> = {
  'POST /v1/data-subject-requests': [
    asRequest({ method: 'POST', resource: '/v1/data-subject-requests', apiKeyId: null, body: `{"tenantId":"tenant-a","type":"access","message":"${LONE_SURROGATE}","contact":{"email":"jane.doe@example.org"}}` }),
    asRequest({ method: 'POST', resource: '/v1/data-subject-requests', apiKeyId: null, body: `{"tenantId":"tenant-a","type":"access","message":"hello","contact":{"email":"jane.doe@example.org","name":"J${LONE_SURROGATE}"}}` }),
  ],
  'POST /v1/operator/breaches': [
    asRequest({ method: 'POST', resource: '/v1/operator/breaches', apiKeyId: null, body: JSON.stringify(sampleReport({ reportId: 'regression-lone-surrogate', nature: 'Exposed \ud800 logs.' })) }),
  ],
};

function asRequest(parts: EventParts): FuzzedRequest {
  return { parts, isBase64Encoded: false, nullHeaders: false };
}

const app = synthesizeApp({ asDeployed: false });
const documented = documentedOperations();
const routes = [
  ...documented,
  ...deployedRoutes(app)
    .filter((route) => !documented.some((operation) => operation.key === route.key))
    .map((route) => ({ key: route.key, method: route.key.split(' ')[0]!, resource: route.key.split(' ')[1]!, operation: undefined })),
];

let functions: InProcessFunctions;

beforeAll(async () => {
  functions = await startInProcessFunctions();
});
afterAll(async () => {
  await functions?.stop();
});

function eventOf(request: FuzzedRequest) {
  const event = proxyEvent(request.parts);
  event.isBase64Encoded = request.isBase64Encoded;
  if (request.nullHeaders) Object.assign(event, { headers: null, multiValueHeaders: null });
  return event;
}

const summary = (request: FuzzedRequest) => {
  const body = typeof request.parts.body === 'string' ? request.parts.body : JSON.stringify(request.parts.body);
  return JSON.stringify({ ...request.parts, body: body?.slice(0, 300), isBase64Encoded: request.isBase64Encoded }).slice(0, 1500);
};

describe('every route, fuzzed', () => {
  it('covers the documented and the deployed routes, each served by a function in the harness', () => {
    expect(routes.length).toBeGreaterThanOrEqual(6);
    expect(routes.map((route) => route.key).filter((key) => !(key in ROUTES)), 'register these routes in test/security/support/in-process-api.ts').toEqual([]);
  });

  it.each(routes.map((route) => [route.key, route] as const))('%s: 2xx or 4xx with {error:{code,message}}, never a 5xx or a throw, writes only on success', async (key, route) => {
    const registered = ROUTES[key];
    expect(registered, `register ${key} in ROUTES`).toBeDefined();
    const handler = functions.handlers[registered!.fn];
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(requestTo(route, registered!.example), async (request) => {
        const visitsBefore = await functions.visitCount();
        const registerBefore = await functions.registerObjectCount();
        let result: APIGatewayProxyResult | undefined;
        let thrown: unknown;
        const logs = await capturedOutput(async () => {
          result = await handler(eventOf(request), lambdaContext(registered!.fn)).catch((error: unknown) => {
            thrown = error;
            return undefined;
          });
        });
        const context = `${summary(request)}\n→ ${result?.statusCode} ${result?.body?.slice(0, 500)}\n${logs.slice(0, 2000)}`;
        expect(thrown, `the function threw: ${String(thrown)}\n${context}`).toBeUndefined();
        const status = result!.statusCode;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        expect(status >= 200 && status < 300 || status >= 400 && status < 500, `status ${status}\n${context}`).toBe(true);
        // Only a preflight or a page view (204) answers without a body; only the snippet with JavaScript;
        // only a register view asked for as a page with HTML.
        const json = String(result!.headers?.['content-type'] ?? '').startsWith('application/json');
        const body = json ? JSON.parse(result!.body) : undefined;
        const html = String(result!.headers?.['content-type'] ?? '').startsWith('text/html');
        if (html) expect(key === 'GET /v1/compliance/register' && status < 300 && result!.body.startsWith('<!doctype html>'), context).toBe(true);
        expect(json || html || status === 204 || key === 'GET /v1/snippet.js', `a non-JSON answer\n${context}`).toBe(true);
        expect(HEALTHY_STATUS[key]?.(status) ?? true, `status ${status} with every dependency healthy\n${context}`).toBe(true);
        if (status >= 400) {
          expect(body, context).toEqual({ error: expect.objectContaining({ code: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/), message: expect.any(String) }) });
          expect(body.error.message.length, context).toBeGreaterThan(0);
        }

        const expectedVisitChanges = status < 300 ? (UNDISCLOSED_VISIT_WRITES[key]?.(status) ?? [VISIT_WRITES[key]?.(status, body) ?? 0]) : [0];
        expect(expectedVisitChanges, `visits table changed\n${context}`).toContain((await functions.visitCount()) - visitsBefore);
        const registerChange = (await functions.registerObjectCount()) - registerBefore;
        // A new report is one record plus one marker per notified controller; a replay writes nothing new.
        if (status < 300 && REGISTER_WRITERS.has(key)) expect(registerChange, context).toBe(body.replayed ? 0 : 1 + body.notified.length);
        else expect(registerChange, `breach register changed\n${context}`).toBe(0);
      }),
      { numRuns: NUM_RUNS, examples: (REGRESSIONS[key] ?? []).map((request) => [request] as [FuzzedRequest]) },
    );
    // Not vacuous: the generated requests reached both the success and the refusal paths.
    expect([...statuses.keys()].some((status) => status < 300), JSON.stringify([...statuses])).toBe(true);
    expect([...statuses.keys()].some((status) => status >= 400), JSON.stringify([...statuses])).toBe(true);
  }, 90_000);

  it('left no polluted prototype behind', () => {
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
