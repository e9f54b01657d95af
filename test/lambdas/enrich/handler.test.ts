import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonOf, lambdaContext, proxyEvent, TEST_TENANT_KEYS } from '../../support/api-gateway-events.js';
import { capturedOutput } from '../../support/captured-output.js';
import { testDatabase } from '../../support/maxmind-test-data.js';

/** The deployed entry point as Lambda loads it: configuration from the environment, read once at module scope. */
async function loadHandler(env: Record<string, string>) {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return (await import('../../../lambdas/enrich/handler.js')).handler;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('lambdas/enrich/handler.ts', () => {
  it('serves requests with the database at MMDB_PATH and the tenants of TENANT_API_KEYS', async () => {
    const handler = await loadHandler({ MMDB_PATH: testDatabase('GeoLite2-ASN-Test'), TENANT_API_KEYS: JSON.stringify(TEST_TENANT_KEYS) });
    let result!: Awaited<ReturnType<typeof handler>>;
    await capturedOutput(async () => {
      result = await handler(proxyEvent({ method: 'GET', resource: '/v1/enrich/{ip}', pathParameters: { ip: '1.0.0.1' } }), lambdaContext('enrich'));
    });
    expect(jsonOf(result)).toMatchObject({ status: 200, body: { asn: { number: 15169, organisation: 'Google Inc.' }, database: { type: 'GeoLite2-ASN' } } });
  });

  it.each([
    ['a missing database', { MMDB_PATH: '/nonexistent/database.mmdb', TENANT_API_KEYS: JSON.stringify(TEST_TENANT_KEYS) }, 'open the MMDB database', /ENOENT/],
    ['a corrupt database', { MMDB_PATH: testDatabase('MaxMind-DB-test-broken-pointers-24'), TENANT_API_KEYS: JSON.stringify(TEST_TENANT_KEYS) }, 'open the MMDB database', /outside the data section/],
    ['no tenants', { MMDB_PATH: testDatabase('GeoLite2-ASN-Test'), TENANT_API_KEYS: '' }, 'read TENANT_API_KEYS', /TENANT_API_KEYS is not set/],
    ['malformed tenants', { MMDB_PATH: testDatabase('GeoLite2-ASN-Test'), TENANT_API_KEYS: '{"k":"Not A Tenant"}' }, 'read TENANT_API_KEYS', /not a valid tenant id/],
  ])('fails its cold start with one clear log line for %s', async (_, env, step, reason) => {
    let failure: unknown;
    const output = await capturedOutput(async () => {
      failure = await loadHandler(env).catch((error: unknown) => error);
    });
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(reason);
    const lines = output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(lines).toContainEqual(expect.objectContaining({ level: 'ERROR', message: `startup failed: ${step}` }));
  });
});
