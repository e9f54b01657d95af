import { describe, expect, it } from 'vitest';
import { createEnrichApi, MAX_BATCH_BODY_BYTES } from '../../../lambdas/enrich/enrich-api.js';
import { createEnricher } from '../../../lambdas/shared/enrichment/enricher.js';
import { MmdbDatabase } from '../../../lambdas/shared/enrichment/mmdb-database.js';
import { httpApi } from '../../../lambdas/shared/http/middleware.js';
import { createLogger } from '../../../lambdas/shared/logging/logger.js';
import { TenantDirectory } from '../../../lambdas/shared/tenants/tenant-directory.js';
import { jsonOf, lambdaContext, proxyEvent, TEST_TENANT_KEYS, type EventParts } from '../../support/api-gateway-events.js';
import { capturedOutput } from '../../support/captured-output.js';
import { testDatabase } from '../../support/maxmind-test-data.js';

const database = MmdbDatabase.open(testDatabase('GeoIP2-Enterprise-Test'));
const handler = httpApi(
  createEnrichApi({ enricher: createEnricher(database), tenants: TenantDirectory.fromJson(JSON.stringify(TEST_TENANT_KEYS)) }),
  createLogger('enrich-test'),
);

async function call(parts: EventParts) {
  let result!: Awaited<ReturnType<typeof handler>>;
  await capturedOutput(async () => {
    result = await handler(proxyEvent(parts), lambdaContext('enrich'));
  });
  expect(result.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  return jsonOf(result);
}

const enrichOne = (ip: string, extra: Partial<EventParts> = {}) =>
  call({ method: 'GET', resource: '/v1/enrich/{ip}', pathParameters: { ip }, ...extra });
const enrichBatch = (body: unknown, extra: Partial<EventParts> = {}) => call({ method: 'POST', resource: '/v1/enrich', body, ...extra });

describe('GET /v1/enrich/{ip}', () => {
  it('answers the normalized enrichment of a public IPv4 address', async () => {
    const { status, body } = await enrichOne('81.2.69.161');
    expect(status).toBe(200);
    expect(body).toEqual({
      ip: '81.2.69.161',
      found: true,
      network: '81.2.69.160/27',
      organisation: 'STONEHOUSE office network',
      domain: 'in-addr.arpa',
      asn: null,
      isp: 'Andrews & Arnold Ltd',
      connectionType: 'Corporate',
      userType: 'government',
      country: 'GB',
      classification: 'government',
      registry: null,
      database: { type: 'GeoIP2-Enterprise', buildDate: '2026-05-29T17:56:22.000Z', attribution: expect.stringContaining('GeoIP2 Enterprise Test Database') },
    });
  });

  it('answers IPv6, and IPv4-mapped IPv6 as IPv4', async () => {
    expect((await enrichOne('2001:480:10::1')).body).toMatchObject({
      ip: '2001:480:10::1',
      network: '2001:480:10::/49',
      organisation: 'DNIC',
      asn: { number: 22 },
      classification: 'government',
    });
    expect((await enrichOne('::ffff:81.2.69.161')).body).toMatchObject({ ip: '81.2.69.161', network: '81.2.69.160/27' });
  });

  it('answers 200 with found: false for a public address the database does not know', async () => {
    expect(await enrichOne('9.9.9.9')).toMatchObject({ status: 200, body: { found: false, classification: 'unknown', network: null } });
  });

  it.each([
    ['not-an-ip', 400, 'INVALID_IP'],
    ['1.2.3.256', 400, 'INVALID_IP'],
    ['fe80::1%25eth0', 400, 'INVALID_IP'],
    ['10.1.2.3', 422, 'NOT_PUBLIC_ADDRESS'],
    ['192.0.2.44', 422, 'NOT_PUBLIC_ADDRESS'],
    ['100.64.12.34', 422, 'NOT_PUBLIC_ADDRESS'],
    ['fd00::1234', 422, 'NOT_PUBLIC_ADDRESS'],
    ['2001:db8::abcd', 422, 'NOT_PUBLIC_ADDRESS'],
    ['::1', 422, 'NOT_PUBLIC_ADDRESS'],
  ])('%s → %s %s, without echoing the address', async (ip, status, code) => {
    const answer = await enrichOne(ip);
    expect(answer).toMatchObject({ status, body: { error: { code, message: expect.any(String) } } });
    expect(JSON.stringify(answer.body)).not.toContain(ip);
  });

  it('refuses query parameters it does not define', async () => {
    expect(await enrichOne('81.2.69.161', { query: { lang: 'de' } })).toMatchObject({ status: 400, body: { error: { code: 'UNKNOWN_PARAMETER' } } });
  });
});

describe('POST /v1/enrich (batch)', () => {
  it('answers every address in order; a bad one fails only its own entry', async () => {
    const { status, body } = await enrichBatch({ ips: ['81.2.69.161', 'nope', '10.0.0.1', '2001:480:10::1', '81.2.69.161'] });
    expect(status).toBe(200);
    expect(body.results).toHaveLength(5);
    expect(body.results[0]).toMatchObject({ ip: '81.2.69.161', classification: 'government' });
    expect(body.results[1]).toEqual({ ip: 'nope', error: { code: 'INVALID_IP', message: expect.any(String) } });
    expect(body.results[2]).toEqual({ ip: '10.0.0.1', error: { code: 'NOT_PUBLIC_ADDRESS', message: expect.any(String) } });
    expect(body.results[3]).toMatchObject({ ip: '2001:480:10::1', organisation: 'DNIC' });
    expect(body.results[4]).toEqual(body.results[0]);
  });

  it('takes 100 addresses', async () => {
    const { status, body } = await enrichBatch({ ips: Array.from({ length: 100 }, (_, i) => `81.2.69.${160 + (i % 32)}`) });
    expect(status).toBe(200);
    expect(body.results).toHaveLength(100);
  });

  it('names the database with its attribution once per response, not in every entry', async () => {
    const { body } = await enrichBatch({ ips: ['81.2.69.161', '2001:480:10::1'] });
    expect(body.database).toEqual({ type: 'GeoIP2-Enterprise', buildDate: '2026-05-29T17:56:22.000Z', attribution: expect.stringContaining('GeoIP2 Enterprise Test Database') });
    for (const entry of body.results) expect(entry).not.toHaveProperty('database');
    expect(JSON.stringify(body).split(body.database.attribution)).toHaveLength(2);
  });

  it.each([
    ['101 addresses', { ips: Array.from({ length: 101 }, () => '81.2.69.161') }, 400, 'BATCH_TOO_LARGE'],
    ['no addresses', { ips: [] }, 400, 'INVALID_BODY'],
    ['ips not a list', { ips: '81.2.69.161' }, 400, 'INVALID_BODY'],
    ['a number in the list', { ips: ['81.2.69.161', 7] }, 400, 'INVALID_BODY'],
    ['no ips field', {}, 400, 'INVALID_BODY'],
    ['an unknown field', { ips: ['81.2.69.161'], lang: 'de' }, 400, 'UNKNOWN_FIELD'],
    ['a JSON array', ['81.2.69.161'], 400, 'INVALID_BODY'],
    ['JSON null', 'null', 400, 'INVALID_BODY'],
    ['not JSON', '{"ips": [', 400, 'INVALID_JSON'],
    ['an empty body', '', 400, 'BODY_REQUIRED'],
    ['a body over the limit', { ips: ['x'.repeat(MAX_BATCH_BODY_BYTES)] }, 413, 'PAYLOAD_TOO_LARGE'],
  ])('refuses %s: %s %s', async (_, body, status, code) => {
    expect(await enrichBatch(body)).toMatchObject({ status, body: { error: { code } } });
  });

  it('refuses a body that is not JSON by content type (415)', async () => {
    expect(await enrichBatch({ ips: ['81.2.69.161'] }, { headers: { 'Content-Type': 'text/plain' } })).toMatchObject({
      status: 415,
      body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } },
    });
  });
});

describe('GET /v1/health', () => {
  it('tells the database type, build date, attribution and record count; nothing secret', async () => {
    const { status, body } = await call({ method: 'GET', resource: '/v1/health' });
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ok',
      database: { type: 'GeoIP2-Enterprise', buildDate: '2026-05-29T17:56:22.000Z', attribution: expect.any(String), ipVersion: 6, recordCount: 32 },
    });
  });
});

describe('every route of the enrichment function', () => {
  const routes: EventParts[] = [
    { method: 'GET', resource: '/v1/enrich/{ip}', pathParameters: { ip: '81.2.69.161' } },
    { method: 'POST', resource: '/v1/enrich', body: { ips: ['81.2.69.161'] } },
    { method: 'GET', resource: '/v1/health' },
  ];

  it.each(routes)('$method $resource refuses a call without an API key (403 INVALID_API_KEY)', async (route) => {
    expect(await call({ ...route, apiKeyId: null })).toMatchObject({ status: 403, body: { error: { code: 'INVALID_API_KEY' } } });
  });

  it.each(routes)('$method $resource refuses an API key no tenant owns (403 INVALID_API_KEY)', async (route) => {
    expect(await call({ ...route, apiKeyId: 'key-of-nobody' })).toMatchObject({ status: 403, body: { error: { code: 'INVALID_API_KEY' } } });
  });

  it('answers 404 for a resource it does not serve and 405 for a method it does not serve', async () => {
    expect(await call({ method: 'GET', resource: '/v1/visits' })).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await call({ method: 'DELETE', resource: '/v1/enrich/{ip}', pathParameters: { ip: '81.2.69.161' } })).toMatchObject({
      status: 405,
      body: { error: { code: 'METHOD_NOT_ALLOWED', details: { allowed: ['GET'] } } },
    });
  });
});
