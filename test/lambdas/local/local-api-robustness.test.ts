import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalApi } from '../../../bin/local/local-api.js';
import type { LocalApiKey } from '../../../bin/local/local-credentials.js';
import { createTestVisitsTable, type TestVisitsTable } from '../../support/dynamodb.js';
import { startTestLocalApi } from '../../support/local-api.js';

const KEYS: LocalApiKey[] = [
  { tenantId: 'tenant-a', apiKey: 'local-key-a', apiKeyId: 'key-id-a' },
  { tenantId: 'tenant-b', apiKey: 'local-key-b', apiKeyId: 'key-id-b' },
];
/** Tenant A's usage plan: two requests at once, then one a second. Tenant B has none configured. */
const TENANT_A_PLAN = { rateLimit: 1, burstLimit: 2 };

interface Answer {
  readonly status: number;
  readonly body: any;
}

/** One raw HTTP request (fetch refuses some of what an attacker sends, e.g. a header named __proto__). */
function rawRequest(url: string, path: string, headers: Record<string, string> | Array<[string, string]>, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(`${url}${path}`, { method }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, body: text === '' ? undefined : JSON.parse(text) }));
    });
    for (const [name, value] of Array.isArray(headers) ? headers : Object.entries(headers)) sent.setHeader(name, value);
    sent.on('error', reject);
    sent.end();
  });
}

/**
 * The local server against unauthenticated and hostile clients over real HTTP: nothing a client sends
 * or does ends the process (each case is followed by a request that must still be answered), and the
 * usage plans' throttles apply as on AWS. Time is a test clock, so the throttle counts are exact.
 */
describe('the local API under hostile clients and load', () => {
  let table: TestVisitsTable;
  let api: LocalApi;
  let clockMs = 0;
  // In `npm start` an unhandled rejection ends the process; here it would only be reported after the run.
  const crashes: unknown[] = [];
  const recordCrash = (reason: unknown) => crashes.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', recordCrash);
    process.on('uncaughtException', recordCrash);
    table = await createTestVisitsTable();
    api = await startTestLocalApi(table, KEYS, { usagePlans: new Map([['tenant-a', TENANT_A_PLAN]]), throttleClock: () => clockMs });
  });
  afterAll(async () => {
    process.off('unhandledRejection', recordCrash);
    process.off('uncaughtException', recordCrash);
    await api.close();
    await table.drop();
  });

  /** Nothing would have ended the process, and a tenant-B health check (B is never throttled here) is still answered. */
  const stillServing = async () => {
    expect(crashes).toEqual([]);
    expect(await rawRequest(api.url, '/v1/health', { 'x-api-key': 'local-key-b' })).toMatchObject({ status: 200, body: { status: 'ok' } });
  };

  it.each([
    ['?__proto__=x', '__proto__'],
    ['?toString=1', 'toString'],
    ['?constructor=1&constructor=2', 'constructor'],
    ['?hasOwnProperty=1', 'hasOwnProperty'],
  ])('refuses the query string %s with 400 UNKNOWN_PARAMETER, and keeps running', async (query, name) => {
    const answer = await rawRequest(api.url, `/v1/health${query}`, { 'x-api-key': 'local-key-b' });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'UNKNOWN_PARAMETER', details: { parameter: name } } } });
    // Unauthenticated, on the public route: refused by the function too, never a crash.
    const open = await rawRequest(api.url, `/v1/data-subject-requests${query}`, {}, 'POST');
    expect(open.status).toBe(400);
    await stillServing();
  });

  it('serves a request with headers named __proto__ and toString as any other header', async () => {
    const headers: Array<[string, string]> = [['x-api-key', 'local-key-b'], ['__proto__', 'x'], ['toString', '1'], ['constructor', '2']];
    const answer = await rawRequest(api.url, '/v1/health', headers);
    expect(answer).toMatchObject({ status: 200, body: { status: 'ok' } });
    await stillServing();
  });

  it.each([
    ['a tenant route', '/v1/enrich', 'x-api-key: local-key-b\r\n'],
    ['the public route, unauthenticated', '/v1/data-subject-requests', ''],
  ])('survives a client that announces 1000 body bytes on %s and hangs up after one', async (_, path, keyHeader) => {
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(new URL(api.url).port), '127.0.0.1', () => {
        socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${keyHeader}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`, () => {
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 50);
        });
      });
      socket.on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await stillServing();
  });

  it("throttles a tenant by its usage plan with API Gateway's 429 THROTTLED answer, and no other tenant", async () => {
    clockMs = 10_000;
    const health = (key: string) => rawRequest(api.url, '/v1/health', { 'x-api-key': key });
    const burst = [await health('local-key-a'), await health('local-key-a'), await health('local-key-a')];
    expect(burst.map((answer) => answer.status)).toEqual([200, 200, 429]);
    expect(burst[2]!.body).toEqual({ error: { code: 'THROTTLED', message: 'Too Many Requests' } });
    expect((await health('local-key-b')).status).toBe(200);

    clockMs += 1000; // one second refills one request (rateLimit 1)
    expect((await health('local-key-a')).status).toBe(200);
    expect((await health('local-key-a')).status).toBe(429);
  });

  it("throttles the public route by the manifest's method throttle, for all callers together", async () => {
    clockMs = 100_000;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await rawRequest(api.url, '/v1/data-subject-requests', { Origin: 'https://www.acme.example' }, 'OPTIONS')).status);
    // burstLimit 10 of POST /v1/data-subject-requests' OPTIONS preflight, then nothing until the bucket refills.
    expect(statuses).toEqual([...Array<number>(10).fill(204), 429, 429]);
    clockMs += 500; // rateLimit 2 per second
    expect((await rawRequest(api.url, '/v1/data-subject-requests', {}, 'OPTIONS')).status).toBe(204);
  });
});
