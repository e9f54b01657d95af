import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseIpAddress } from '../../../lambdas/shared/ip/ip-address.js';
import type { EventParts } from '../../support/api-gateway-events.js';
import { createTestVisitsTable, type TestVisitsTable } from '../../support/dynamodb.js';
import { visitsApiHarness, type VisitsApiHarness } from '../../support/visits-api-harness.js';
import { DEFAULT_VISIT_SHARDS, visitShard } from '../../../lambdas/shared/visits/table-schema.js';

const HOUR = 3_600_000;
const page = { siteId: 'www.example.com', pageUrl: 'https://www.example.com/pricing' };
const asTenantB: Partial<EventParts> = { apiKeyId: 'key-tenant-b' };

let table: TestVisitsTable;
let api: VisitsApiHarness;

beforeAll(async () => {
  table = await createTestVisitsTable();
  api = visitsApiHarness(table);
});
afterAll(async () => {
  await table.drop();
});

describe('POST /v1/visits', () => {
  it('stores an organisation’s visit: pseudonymised, company information only, with expiresAt', async () => {
    const before = (await table.items()).length;
    const { status, body } = await api.record({
      ...page,
      pageUrl: 'https://user:pw@www.example.com/pricing?email=jane@example.org#plans',
      referrer: 'https://search.example/?q=acme',
      visitorIp: '214.214.214.218',
    });
    expect(status).toBe(201);
    expect(body).toEqual({
      stored: true,
      visit: {
        visitId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        siteId: 'www.example.com',
        pageUrl: 'https://www.example.com/pricing',
        referrer: 'https://search.example/',
        visitedAt: api.now.toISOString(),
        expiresAt: new Date(api.now.getTime() + 30 * 24 * HOUR).toISOString(),
        company: { classification: 'business', organisation: null, domain: null, asn: null, country: null, network: '214.214.214.0/24' },
        database: { type: 'GeoIP2-Enterprise', buildDate: '2026-05-29T17:56:22.000Z' },
      },
    });

    const items = await table.items();
    expect(items).toHaveLength(before + 1);
    const item = items.find((i) => i.visitId === body.visit.visitId)!;
    const pseudonym = api.keys.pseudonymise('tenant-a', parseIpAddress('214.214.214.218')!);
    expect(item).toMatchObject({
      pk: `TENANT#tenant-a#${visitShard(body.visit.visitId, DEFAULT_VISIT_SHARDS)}`,
      sk: `VISIT#${body.visit.visitedAt}#${body.visit.visitId}`,
      visitorKey: `TENANT#tenant-a#IP#${pseudonym}`,
      expiresAt: Math.floor(api.now.getTime() / 1000) + 30 * 86_400,
    });
    expect(JSON.stringify(item)).not.toContain('214.214.214.218');
    expect(JSON.stringify(item)).not.toContain('jane@example.org');
  });

  it.each([
    ['government (user type)', '81.2.69.161', 'government', '81.2.69.0/24'],
    ['government over IPv6 (military)', '2001:480:10::1', 'government', '2001:480:10::/48'],
    ['government, asked as IPv4-mapped IPv6', '::ffff:81.2.69.161', 'government', '81.2.69.0/24'],
  ])('stores a %s visit, the network widened to at most /24 or /48', async (_, visitorIp, classification, network) => {
    const { status, body } = await api.record({ ...page, visitorIp });
    expect(status).toBe(201);
    expect(body.visit.company).toMatchObject({ classification, network });
  });

  it('stores an education visit (university network in an ISP database)', async () => {
    const ispApi = visitsApiHarness(table, { database: 'GeoIP2-ISP-Test' });
    const { status, body } = await ispApi.record({ ...page, visitorIp: '101.5.0.1' });
    expect(status).toBe(201);
    expect(body.visit.company).toMatchObject({ classification: 'education', organisation: 'Tsinghua University', network: '101.5.0.0/16' });
  });

  it.each([
    ['residential', '175.16.199.1'],
    ['mobile', '1.124.213.1'],
    ['anonymous', '214.214.214.216'],
    ['hosting', '214.214.214.220'],
    ['isp', '5.83.124.1'],
    ['unknown', '2.125.160.217'],
    ['unknown', '9.9.9.9'], // not in the database at all
  ])('stores nothing for a %s visitor and says so', async (classification, visitorIp) => {
    const before = await table.items();
    const { status, body, logs } = await api.record({ ...page, visitorIp });
    expect(status).toBe(200);
    expect(body).toEqual({ stored: false, reason: 'NOT_AN_ORGANISATION', classification, message: expect.any(String) });
    expect(await table.items()).toEqual(before);
    expect(logs).not.toContain(visitorIp);
  });

  it('uses the caller’s own address when no visitorIp is given', async () => {
    const { status, body } = await api.record(page, { sourceIp: '81.2.69.170' });
    expect(status).toBe(201);
    const item = (await table.items()).find((i) => i.visitId === body.visit.visitId)!;
    expect(item.visitorKey).toBe(`TENANT#tenant-a#IP#${api.keys.pseudonymise('tenant-a', parseIpAddress('81.2.69.170')!)}`);
    expect(await api.record(page, { sourceIp: '10.0.0.8' })).toMatchObject({ status: 422, body: { error: { code: 'NOT_PUBLIC_ADDRESS' } } });
  });

  it('gives the same visitor different pseudonyms in different tenants', async () => {
    const a = await api.record({ ...page, visitorIp: '81.2.69.171' });
    const b = await api.record({ ...page, visitorIp: '81.2.69.171' }, asTenantB);
    const items = await table.items();
    const keyOf = (visitId: string) => String(items.find((i) => i.visitId === visitId)!.visitorKey);
    expect(keyOf(a.body.visit.visitId).split('#IP#')[1]).not.toBe(keyOf(b.body.visit.visitId).split('#IP#')[1]);
  });

  it.each([
    ['an invalid visitorIp', { ...page, visitorIp: '81.2.69' }, 400, 'INVALID_IP'],
    ['a visitorIp that is not a string', { ...page, visitorIp: 81 }, 400, 'INVALID_IP'],
    ['a private visitorIp', { ...page, visitorIp: '192.168.0.10' }, 422, 'NOT_PUBLIC_ADDRESS'],
    ['a documentation visitorIp', { ...page, visitorIp: '2001:db8::1' }, 422, 'NOT_PUBLIC_ADDRESS'],
    ['no siteId', { pageUrl: page.pageUrl, visitorIp: '81.2.69.161' }, 400, 'MISSING_FIELD'],
    ['no pageUrl', { siteId: page.siteId, visitorIp: '81.2.69.161' }, 400, 'MISSING_FIELD'],
    ['a malformed siteId', { ...page, siteId: 'www example com', visitorIp: '81.2.69.161' }, 400, 'INVALID_FIELD'],
    ['a siteId over 100 characters', { ...page, siteId: 'a'.repeat(101), visitorIp: '81.2.69.161' }, 400, 'INVALID_FIELD'],
    ['a relative pageUrl', { ...page, pageUrl: '/pricing', visitorIp: '81.2.69.161' }, 400, 'INVALID_FIELD'],
    ['a non-http pageUrl', { ...page, pageUrl: 'javascript:alert(1)', visitorIp: '81.2.69.161' }, 400, 'INVALID_FIELD'],
    ['a pageUrl over 2048 characters', { ...page, pageUrl: `https://a.example/${'x'.repeat(2048)}`, visitorIp: '81.2.69.161' }, 400, 'INVALID_FIELD'],
    ['a malformed referrer', { ...page, referrer: 'not a url', visitorIp: '81.2.69.161' }, 400, 'INVALID_FIELD'],
    ['an unknown field', { ...page, visitorIp: '81.2.69.161', email: 'jane@example.org' }, 400, 'UNKNOWN_FIELD'],
    ['a JSON array', [page], 400, 'INVALID_BODY'],
    ['JSON null', 'null', 400, 'INVALID_BODY'],
    ['a body that is not JSON', '{"siteId":', 400, 'INVALID_JSON'],
    ['an empty body', '', 400, 'BODY_REQUIRED'],
    ['a body over the limit', { ...page, referrer: `https://a.example/${'x'.repeat(9000)}` }, 413, 'PAYLOAD_TOO_LARGE'],
  ])('refuses %s with %s %s and writes nothing', async (_, body, status, code) => {
    const before = await table.items();
    const answer = await api.record(body);
    expect(answer).toMatchObject({ status, body: { error: { code, message: expect.any(String) } } });
    expect(await table.items()).toEqual(before);
  });

  it('refuses a non-JSON content type (415) and query parameters (400), writing nothing', async () => {
    const before = await table.items();
    const body = { ...page, visitorIp: '81.2.69.161' };
    expect(await api.record(body, { headers: { 'Content-Type': 'text/plain' } })).toMatchObject({ status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } } });
    expect(await api.record(body, { query: { debug: '1' } })).toMatchObject({ status: 400, body: { error: { code: 'UNKNOWN_PARAMETER' } } });
    expect(await table.items()).toEqual(before);
  });
});

describe('GET /v1/visits', () => {
  // Each test here records into its own site ids, so windows and filters see known visits.
  let site: string;
  let counter = 0;
  beforeEach(() => {
    site = `list-${++counter}.example`;
  });
  const recordAt = async (offsetMs: number, options: { tenant?: Partial<EventParts>; siteId?: string; ip?: string } = {}) => {
    const saved = api.now;
    api.now = new Date(saved.getTime() + offsetMs);
    try {
      const { status, body } = await api.record({ siteId: options.siteId ?? site, pageUrl: 'https://www.example.com/', visitorIp: options.ip ?? '81.2.69.161' }, options.tenant);
      expect(status).toBe(201);
      return body.visit;
    } finally {
      api.now = saved;
    }
  };

  it('lists the calling tenant’s visits of a site, newest first', async () => {
    const older = await recordAt(-2 * HOUR);
    const newer = await recordAt(-1 * HOUR);
    await recordAt(-90 * 60_000, { tenant: asTenantB });
    const { status, body } = await api.list({ siteId: site });
    expect(status).toBe(200);
    expect(body).toEqual({
      visits: [newer, older],
      nextCursor: null,
      siteId: site,
      window: { from: new Date(api.now.getTime() - 30 * 24 * HOUR).toISOString(), to: api.now.toISOString() },
    });
  });

  it('lists the window [from, to)', async () => {
    const visits = [await recordAt(-3 * HOUR), await recordAt(-2 * HOUR), await recordAt(-1 * HOUR)];
    const at = (ms: number) => new Date(api.now.getTime() + ms).toISOString();
    const { body } = await api.list({ siteId: site, from: visits[0].visitedAt, to: visits[2].visitedAt });
    expect(body.visits.map((v: { visitId: string }) => v.visitId)).toEqual([visits[1].visitId, visits[0].visitId]);
    expect((await api.list({ siteId: site, from: at(-150 * 60_000) })).body.visits).toHaveLength(2);
    expect((await api.list({ siteId: site, to: at(-150 * 60_000) })).body.visits).toHaveLength(1);
  });

  it('pages with an opaque cursor that continues the same listing', async () => {
    const recorded = [];
    for (let i = 5; i >= 1; i--) recorded.push(await recordAt(-i * 60_000));
    const seen: string[] = [];
    let cursor: string | null = null;
    let first = true;
    do {
      const { status, body }: { status: number; body: any } = await api.list(first ? { siteId: site, limit: '2' } : { cursor: cursor!, limit: '2' });
      expect(status).toBe(200);
      expect(body.visits.length).toBeLessThanOrEqual(2);
      seen.push(...body.visits.map((v: { visitId: string }) => v.visitId));
      cursor = body.nextCursor;
      first = false;
    } while (cursor);
    expect(seen).toEqual(recorded.reverse().map((v) => v.visitId));
  });

  it('refuses a cursor with another tenant’s key, with a changed window, or forged', async () => {
    await recordAt(-2 * 60_000);
    await recordAt(-1 * 60_000);
    const { body } = await api.list({ siteId: site, limit: '1' });
    expect(body.nextCursor).toEqual(expect.any(String));
    const refused = { status: 400, body: { error: { code: 'INVALID_CURSOR' } } };
    expect(await api.list({ cursor: body.nextCursor }, asTenantB)).toMatchObject(refused);
    expect(await api.list({ cursor: body.nextCursor, siteId: 'other.example' })).toMatchObject(refused);
    expect(await api.list({ cursor: body.nextCursor, from: '2020-01-01T00:00:00Z' })).toMatchObject(refused);
    expect(await api.list({ cursor: `${body.nextCursor.split('.')[0]}.${'A'.repeat(43)}` })).toMatchObject(refused);
    // The same cursor with the same site given again is fine.
    expect(await api.list({ cursor: body.nextCursor, siteId: site })).toMatchObject({ status: 200, body: { visits: [expect.any(Object)] } });
  });

  it('leaves out visits past expiresAt that DynamoDB has not deleted yet', async () => {
    const shortApi = visitsApiHarness(table, { retentionDays: 1 });
    shortApi.now = new Date(api.now.getTime() - 60_000);
    const { body: recorded } = await shortApi.record({ siteId: site, pageUrl: 'https://www.example.com/', visitorIp: '81.2.69.161' });
    shortApi.now = api.now;
    expect((await shortApi.list({ siteId: site })).body.visits).toHaveLength(1);
    shortApi.now = new Date(api.now.getTime() + 25 * HOUR);
    expect((await shortApi.list({ siteId: site, from: new Date(api.now.getTime() - HOUR).toISOString() })).body.visits).toEqual([]);
    expect((await table.items()).map((i) => i.visitId)).toContain(recorded.visit.visitId);
  });

  it.each([
    [{ limit: '0' }, 'INVALID_PARAMETER'],
    [{ limit: '101' }, 'INVALID_PARAMETER'],
    [{ limit: 'ten' }, 'INVALID_PARAMETER'],
    [{ limit: '1.5' }, 'INVALID_PARAMETER'],
    [{ from: 'yesterday' }, 'INVALID_PARAMETER'],
    [{ from: '2025-02-30T00:00:00Z' }, 'INVALID_PARAMETER'],
    [{ from: '2025-01-01T10:00:00' }, 'INVALID_PARAMETER'], // no time zone
    [{ to: '2025-13-01' }, 'INVALID_PARAMETER'],
    [{ from: '2025-01-02T00:00:00Z', to: '2025-01-01T00:00:00Z' }, 'INVALID_TIME_WINDOW'],
    [{ from: '2025-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }, 'INVALID_TIME_WINDOW'],
    [{ siteId: 'not a site' }, 'INVALID_PARAMETER'],
    [{ limit: ['5', '6'] }, 'INVALID_PARAMETER'],
    [{ tenant: 'tenant-b' }, 'UNKNOWN_PARAMETER'],
    [{ cursor: 'garbage' }, 'INVALID_CURSOR'],
  ])('refuses %j with 400 %s', async (query, code) => {
    expect(await api.list(query)).toMatchObject({ status: 400, body: { error: { code, message: expect.any(String) } } });
  });
});

describe('every route of the visits function', () => {
  const routes: EventParts[] = [
    { method: 'POST', resource: '/v1/visits', body: { ...page, visitorIp: '81.2.69.161' } },
    { method: 'GET', resource: '/v1/visits' },
  ];

  it.each(routes)('$method refuses a call without an API key, and one no tenant owns (403), writing nothing', async (route) => {
    const before = await table.items();
    expect(await api.call({ ...route, apiKeyId: null })).toMatchObject({ status: 403, body: { error: { code: 'INVALID_API_KEY' } } });
    expect(await api.call({ ...route, apiKeyId: 'key-of-nobody' })).toMatchObject({ status: 403, body: { error: { code: 'INVALID_API_KEY' } } });
    expect(await table.items()).toEqual(before);
  });

  it('answers 404 for another resource and 405 for another method', async () => {
    expect(await api.call({ method: 'GET', resource: '/v1/health' })).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await api.call({ method: 'DELETE', resource: '/v1/visits' })).toMatchObject({ status: 405, body: { error: { code: 'METHOD_NOT_ALLOWED' } } });
  });
});
