import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEnrichApi } from '../../../lambdas/enrich/enrich-api.js';
import { createEnricher } from '../../../lambdas/shared/enrichment/enricher.js';
import { MmdbDatabase } from '../../../lambdas/shared/enrichment/mmdb-database.js';
import { httpApi } from '../../../lambdas/shared/http/middleware.js';
import { createLogger } from '../../../lambdas/shared/logging/logger.js';
import { TenantDirectory } from '../../../lambdas/shared/tenants/tenant-directory.js';
import { localVisitKeys } from '../../../lambdas/shared/visits/visit-keys.js';
import { VisitsRepository } from '../../../lambdas/shared/visits/visits-repository.js';
import { createVisitsApi } from '../../../lambdas/visits/visits-api.js';
import { lambdaContext, proxyEvent, TEST_TENANT_KEYS, type EventParts } from '../../support/api-gateway-events.js';
import { capturedOutput } from '../../support/captured-output.js';
import { createTestVisitsTable, type TestVisitsTable } from '../../support/dynamodb.js';
import { testDatabase } from '../../support/maxmind-test-data.js';
import { TEST_PSEUDONYM_SECRET } from '../../support/visits-api-harness.js';

// Known addresses of every kind the functions meet: stored, not stored, private, and the caller's own.
const IPV4 = ['81.2.69.161', '214.214.214.218', '175.16.199.1', '10.1.2.3', '203.0.113.9'];
const IPV6 = ['2001:480:10::1', '2001:480:10:0:0:0:0:2', 'fd00::77', '2001:db8::99'];

/**
 * Both functions at DEBUG level and with the whole incoming event logged (the most a configuration
 * can make them log), driven through every route with those addresses, on success and error paths.
 * No address may appear in anything written.
 */
describe('no IP address in logs', () => {
  let table: TestVisitsTable;
  let output = '';

  beforeAll(async () => {
    table = await createTestVisitsTable();
    vi.stubEnv('POWERTOOLS_LOGGER_LOG_EVENT', 'true');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    const enricher = createEnricher(MmdbDatabase.open(testDatabase('GeoIP2-Enterprise-Test')));
    const tenants = TenantDirectory.fromJson(JSON.stringify(TEST_TENANT_KEYS));
    const enrichLogger = createLogger('enrich');
    const visitsLogger = createLogger('visits');
    const enrich = httpApi(createEnrichApi({ enricher, tenants }), enrichLogger);
    let failKeys = false;
    const visits = httpApi(
      createVisitsApi({
        enricher,
        tenants,
        visitsOf: (tenantId) => new VisitsRepository({ client: table.documentClient, tableName: table.tableName, tenantId }),
        keysOf: async (tenantId) => {
          // An unexpected failure on the 500 path, carrying an address in its message as a careless library might.
          if (failKeys) throw new Error(`secret unavailable while handling ${IPV4[0]} / ${IPV6[0]}`);
          return localVisitKeys(TEST_PSEUDONYM_SECRET)(tenantId);
        },
        retentionDays: 30,
        clock: () => new Date(),
        newVisitId: () => crypto.randomUUID(),
        logger: visitsLogger,
      }),
      visitsLogger,
    );

    const requests: EventParts[] = [];
    for (const ip of [...IPV4, ...IPV6, 'not-an-ip']) {
      requests.push({ method: 'GET', resource: '/v1/enrich/{ip}', pathParameters: { ip }, sourceIp: ip, headers: { 'X-Forwarded-For': ip } });
      requests.push({ method: 'POST', resource: '/v1/visits', body: { siteId: 'logs.example', pageUrl: `https://logs.example/?ip=${ip}`, visitorIp: ip } });
      requests.push({ method: 'POST', resource: '/v1/visits', body: { siteId: 'logs.example', pageUrl: 'https://logs.example/' }, sourceIp: ip });
      requests.push({ method: 'POST', resource: '/v1/visits', body: `{"visitorIp":"${ip}",` }); // not JSON
      requests.push({ method: 'GET', resource: '/v1/enrich/{ip}', pathParameters: { ip }, apiKeyId: null, sourceIp: ip }); // no key
    }
    requests.push({ method: 'POST', resource: '/v1/enrich', body: { ips: [...IPV4, ...IPV6, 'nope'] } });
    requests.push({ method: 'POST', resource: '/v1/enrich', body: { ips: IPV4, [IPV4[1]!]: true } }); // unknown field named like an IP
    requests.push({ method: 'GET', resource: '/v1/health', sourceIp: IPV6[0] });
    requests.push({ method: 'GET', resource: '/v1/visits', query: { siteId: 'logs.example' }, sourceIp: IPV4[0] });

    output = await capturedOutput(async () => {
      for (const parts of requests) {
        const handler = parts.resource === '/v1/visits' ? visits : enrich;
        await handler(proxyEvent(parts), lambdaContext());
      }
      failKeys = true;
      await visits(proxyEvent({ method: 'POST', resource: '/v1/visits', body: { siteId: 'logs.example', pageUrl: 'https://logs.example/', visitorIp: IPV4[0] } }), lambdaContext());
    });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await table.drop();
  });

  it('logged the requests (so the check below is not vacuous)', () => {
    const records = output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(records.length).toBeGreaterThan(50);
    expect(records.some((r) => r.message === 'visit stored')).toBe(true);
    expect(records.some((r) => r.message === 'unhandled error')).toBe(true);
    expect(records.some((r) => r.message === 'Lambda invocation event')).toBe(true);
    expect(output).toContain('[redacted');
  });

  it.each([...IPV4, ...IPV6, '2001:480:10::2'])('never writes %s', (ip) => {
    expect(output).not.toContain(ip);
  });
});
