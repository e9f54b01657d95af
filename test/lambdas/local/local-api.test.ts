import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalApi } from '../../../bin/local/local-api.js';
import type { LocalApiKey } from '../../../bin/local/local-credentials.js';
import { createTestVisitsTable, type TestVisitsTable } from '../../support/dynamodb.js';
import { startTestLocalApi } from '../../support/local-api.js';

const KEYS: LocalApiKey[] = [
  { tenantId: 'tenant-a', apiKey: 'local-key-a', apiKeyId: 'key-id-a' },
  { tenantId: 'tenant-b', apiKey: 'local-key-b', apiKeyId: 'key-id-b' },
];

/** The local server end to end: real HTTP to the adapter, the real handlers and DynamoDB Local. */
describe('the local API (adapter + handlers over HTTP)', () => {
  let table: TestVisitsTable;
  let api: LocalApi;

  beforeAll(async () => {
    table = await createTestVisitsTable();
    api = await startTestLocalApi(table, KEYS);
  });
  afterAll(async () => {
    await api.close();
    await table.drop();
  });

  const request = async (path: string, init: RequestInit & { key?: string | null } = {}) => {
    const { key = 'local-key-a', ...rest } = init;
    const headers = new Headers(rest.headers);
    if (key !== null) headers.set('x-api-key', key);
    if (rest.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
    const response = await fetch(`${api.url}${path}`, { ...rest, headers });
    return { status: response.status, headers: response.headers, body: JSON.parse(await response.text()) };
  };

  it('listens on the loopback interface only', () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('GET /v1/health', async () => {
    const { status, headers, body } = await request('/v1/health');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(body).toMatchObject({ status: 'ok', database: { type: 'GeoIP2-Enterprise', recordCount: 32 } });
  });

  it('GET /v1/enrich/{ip}, IPv4 and percent-encoded IPv6 (path parameters arrive decoded)', async () => {
    expect(await request('/v1/enrich/81.2.69.161')).toMatchObject({ status: 200, body: { ip: '81.2.69.161', classification: 'government' } });
    expect(await request('/v1/enrich/2001%3A480%3A10%3A%3A1')).toMatchObject({ status: 200, body: { ip: '2001:480:10::1', organisation: 'DNIC' } });
    expect(await request('/v1/enrich/2001:480:10::1')).toMatchObject({ status: 200, body: { organisation: 'DNIC' } });
    expect(await request('/v1/enrich/10.0.0.1')).toMatchObject({ status: 422, body: { error: { code: 'NOT_PUBLIC_ADDRESS' } } });
  });

  it('POST /v1/enrich', async () => {
    const { status, body } = await request('/v1/enrich', { method: 'POST', body: JSON.stringify({ ips: ['81.2.69.161', 'x'] }) });
    expect(status).toBe(200);
    expect(body.results).toMatchObject([{ classification: 'government' }, { ip: 'x', error: { code: 'INVALID_IP' } }]);
  });

  it('POST and GET /v1/visits, with the cursor passed back in the query string', async () => {
    for (const visitorIp of ['214.214.214.218', '81.2.69.161', '175.16.199.1']) {
      const { status } = await request('/v1/visits', {
        method: 'POST',
        body: JSON.stringify({ siteId: 'local.example', pageUrl: 'https://local.example/', visitorIp }),
      });
      expect(status).toBe(visitorIp === '175.16.199.1' ? 200 : 201);
    }
    const first = await request('/v1/visits?siteId=local.example&limit=1');
    expect(first).toMatchObject({ status: 200, body: { visits: [{ company: { classification: 'government' } }] } });
    const second = await request(`/v1/visits?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second).toMatchObject({ status: 200, body: { visits: [{ company: { classification: 'business' } }] } });
    // Tenant b sees none of tenant a's visits.
    expect(await request('/v1/visits?siteId=local.example', { key: 'local-key-b' })).toMatchObject({ status: 200, body: { visits: [] } });
  });

  it('takes the caller’s address from the connection, as API Gateway does (loopback here: not public)', async () => {
    const { status, body } = await request('/v1/visits', {
      method: 'POST',
      body: JSON.stringify({ siteId: 'local.example', pageUrl: 'https://local.example/' }),
    });
    expect(status).toBe(422);
    expect(body.error).toMatchObject({ code: 'NOT_PUBLIC_ADDRESS', details: { range: 'loopback' } });
  });

  it('refuses a missing or unknown x-api-key with 403 before any function runs', async () => {
    for (const key of [null, 'not-a-key']) {
      expect(await request('/v1/health', { key })).toEqual({ status: 403, headers: expect.anything(), body: { error: { code: 'INVALID_API_KEY', message: 'Forbidden' } } });
    }
  });

  it('answers 404 for a path no resource matches and for a method the route manifest does not declare, as API Gateway does', async () => {
    expect(await request('/v1/nothing')).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await request('/v1/enrich/1.1.1.1/extra')).toMatchObject({ status: 404 });
    // API Gateway answers an undeclared method as MISSING_AUTHENTICATION_TOKEN, mapped to 404 NOT_FOUND (lib/enrichment/gateway-errors.ts).
    expect(await request('/v1/health', { method: 'DELETE' })).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('refuses a body over its payload limit (413) and a body over the function’s own limit (413)', async () => {
    const hugeBody = JSON.stringify({ ips: ['x'.repeat(2 * 1024 * 1024)] });
    expect(await request('/v1/enrich', { method: 'POST', body: hugeBody })).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    const bigBody = JSON.stringify({ ips: ['x'.repeat(20_000)] });
    expect(await request('/v1/enrich', { method: 'POST', body: bigBody })).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
  });
});
