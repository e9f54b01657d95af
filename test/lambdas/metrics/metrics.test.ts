import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseIpAddress } from '../../../lambdas/shared/ip/ip-address.js';
import { INVALID_DIMENSION_VALUE, METRICS_NAMESPACE, safeDimensionValue } from '../../../lambdas/shared/metrics/service-metrics.js';
import { deriveVisitKeys } from '../../../lambdas/shared/visits/visit-keys.js';
import { lambdaContext, proxyEvent, TEST_TENANT_KEYS, type EventParts } from '../../support/api-gateway-events.js';
import { capturedOutput } from '../../support/captured-output.js';
import { createTestVisitsTable, type TestVisitsTable } from '../../support/dynamodb.js';
import { testDatabase } from '../../support/maxmind-test-data.js';
import { SecretsManagerStandIn } from '../../support/secrets-manager-stand-in.js';

interface EmfLine {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> };
  [key: string]: unknown;
}

/** The embedded-metric-format lines among a function's output (log lines are JSON too, without `_aws`). */
const emfLines = (output: string): EmfLine[] =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as EmfLine)
    .filter((line) => line._aws !== undefined);

/** Every dimension value of every line: what CloudWatch would turn into metric dimensions. */
const dimensionValues = (lines: EmfLine[]) =>
  lines.flatMap((line) => line._aws.CloudWatchMetrics.flatMap((set) => set.Dimensions.flat().map((name) => String(line[name]))));

/** Sum of one metric over lines whose dimensions are exactly `dimensions` (name → value). */
function total(lines: EmfLine[], metric: string, dimensions: Record<string, string>): number {
  const wanted = Object.keys(dimensions).sort().join(',');
  return lines
    .filter((line) => line._aws.CloudWatchMetrics.some((set) => set.Metrics.some((m) => m.Name === metric) && set.Dimensions.some((d) => [...d].sort().join(',') === wanted)))
    .filter((line) => Object.entries(dimensions).every(([name, value]) => line[name] === value))
    .reduce((sum, line) => sum + [line[metric]].flat().reduce((a: number, b) => a + Number(b), 0), 0);
}

async function loadHandler(file: 'enrich' | 'visits', env: Record<string, string>) {
  vi.resetModules();
  // Set by Lambda for containers started on demand (not provisioned): Powertools counts their cold starts.
  for (const [name, value] of Object.entries({ AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand', ...env })) vi.stubEnv(name, value);
  const module = (await import(file === 'enrich' ? '../../../lambdas/enrich/handler.js' : '../../../lambdas/visits/handler.js')) as {
    handler: (event: ReturnType<typeof proxyEvent>, context: ReturnType<typeof lambdaContext>) => Promise<{ statusCode: number }>;
  };
  return async (parts: EventParts[]) => {
    const statuses: number[] = [];
    const output = await capturedOutput(async () => {
      for (const part of parts) statuses.push((await module.handler(proxyEvent(part), lambdaContext(file))).statusCode);
    });
    return { statuses, lines: emfLines(output), output };
  };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('metrics of the enrich function (EMF on stdout)', () => {
  it('counts requests per tenant, lookups and lookups without a record, and the cold start once', async () => {
    const invoke = await loadHandler('enrich', { MMDB_PATH: testDatabase('GeoLite2-ASN-Test'), TENANT_API_KEYS: JSON.stringify(TEST_TENANT_KEYS) });
    const lookup = (ip: string, apiKeyId = 'key-tenant-a') => ({ method: 'GET', resource: '/v1/enrich/{ip}', pathParameters: { ip }, apiKeyId });
    const { statuses, lines } = await invoke([
      lookup('1.0.0.1'), // in the test database
      lookup('9.9.9.9'), // not in it
      { method: 'POST', resource: '/v1/enrich', body: { ips: ['1.0.0.1', '9.9.9.9', '8.8.8.8'] }, apiKeyId: 'key-tenant-b' },
      lookup('1.0.0.1', 'unknown-key'),
    ]);
    expect(statuses).toEqual([200, 200, 200, 403]);
    expect(lines.every((line) => line._aws.CloudWatchMetrics.every((set) => set.Namespace === METRICS_NAMESPACE))).toBe(true);
    expect(total(lines, 'ColdStart', { service: 'enrich' })).toBe(1);
    expect(total(lines, 'ColdStart', { service: 'enrich', tenant: 'tenant-a' })).toBe(1); // the first request's tenant
    expect(total(lines, 'Requests', { service: 'enrich' })).toBe(4);
    expect(total(lines, 'Requests', { service: 'enrich', tenant: 'tenant-a' })).toBe(2);
    expect(total(lines, 'Requests', { service: 'enrich', tenant: 'tenant-b' })).toBe(1);
    expect(total(lines, 'Lookups', { service: 'enrich' })).toBe(5);
    expect(total(lines, 'LookupsWithoutRecord', { service: 'enrich' })).toBe(3);
    const dimensions = dimensionValues(lines);
    for (const ip of ['1.0.0.1', '9.9.9.9', '8.8.8.8']) expect(dimensions.join(' ')).not.toContain(ip);
  });
});

describe('metrics of the visits function (EMF on stdout)', () => {
  const SECRET = 'metrics-test-secret-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
  const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:pseudonym-key-AbCdEf';
  const secrets = new SecretsManagerStandIn(SECRET_ARN, SECRET);
  let table: TestVisitsTable;
  let secretsEndpoint: string;
  beforeAll(async () => {
    table = await createTestVisitsTable();
    secretsEndpoint = await secrets.start();
  });
  afterAll(async () => {
    await secrets.stop();
    await table.drop();
  });

  it('counts visits stored and not stored per classification, with no address or pseudonym in any dimension or value', async () => {
    const invoke = await loadHandler('visits', {
      MMDB_PATH: testDatabase('GeoIP2-Enterprise-Test'),
      TENANT_API_KEYS: JSON.stringify(TEST_TENANT_KEYS),
      VISITS_TABLE_NAME: table.tableName,
      RETENTION_DAYS: '30',
      VISIT_SHARDS: '4',
      PSEUDONYM_SECRET_ARN: SECRET_ARN,
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsEndpoint,
    });
    const visit = (visitorIp: string) => ({ method: 'POST', resource: '/v1/visits', body: { siteId: 'metrics.example', pageUrl: 'https://metrics.example/', visitorIp } });
    const government = '81.2.69.161';
    const business = '214.214.214.218';
    const notAnOrganisation = '2.125.160.216';
    const { statuses, lines } = await invoke([visit(government), visit(business), visit(business), visit(notAnOrganisation)]);
    expect(statuses).toEqual([201, 201, 201, 200]);

    expect(total(lines, 'VisitsStored', { service: 'visits', classification: 'government' })).toBe(1);
    expect(total(lines, 'VisitsStored', { service: 'visits', classification: 'business' })).toBe(2);
    expect(total(lines, 'VisitsNotStored', { service: 'visits', classification: 'unknown' }) + total(lines, 'VisitsNotStored', { service: 'visits', classification: 'residential' })).toBe(1);
    expect(total(lines, 'Requests', { service: 'visits', tenant: 'tenant-a' })).toBe(4);

    const keys = deriveVisitKeys(SECRET);
    const personal = [government, business, notAnOrganisation].flatMap((ip) => [ip, keys.pseudonymise('tenant-a', parseIpAddress(ip)!)]);
    const emf = JSON.stringify(lines);
    for (const value of personal) expect(emf).not.toContain(value);
  });
});

describe('safeDimensionValue', () => {
  it('keeps slugs and refuses addresses and pseudonyms', () => {
    const pseudonym = deriveVisitKeys('x'.repeat(32)).pseudonymise('tenant-a', parseIpAddress('192.0.2.1')!);
    for (const value of ['tenant-a', 'business', 'origin_not_allowed']) expect(safeDimensionValue(value)).toBe(value);
    for (const value of ['192.0.2.1', '2001:db8::1', pseudonym, pseudonym.toLowerCase(), 'Tenant-A', '', 'a'.repeat(33)]) {
      expect(safeDimensionValue(value), value).toBe(INVALID_DIMENSION_VALUE);
    }
  });
});
