import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseIpAddress } from '../../../lambdas/shared/ip/ip-address.js';
import { visitShard } from '../../../lambdas/shared/visits/table-schema.js';
import { deriveVisitKeys } from '../../../lambdas/shared/visits/visit-keys.js';
import { jsonOf, lambdaContext, proxyEvent, TEST_TENANT_KEYS, type EventParts } from '../../support/api-gateway-events.js';
import { capturedOutput } from '../../support/captured-output.js';
import { createTestVisitsTable, type TestVisitsTable } from '../../support/dynamodb.js';
import { testDatabase } from '../../support/maxmind-test-data.js';
import { SecretsManagerStandIn } from '../../support/secrets-manager-stand-in.js';

const SECRET = 'handler-test-secret-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:pseudonym-key-AbCdEf';

describe('lambdas/visits/handler.ts', () => {
  let table: TestVisitsTable;
  const secrets = new SecretsManagerStandIn(SECRET_ARN, SECRET);
  let secretsEndpoint: string;

  beforeAll(async () => {
    table = await createTestVisitsTable();
    secretsEndpoint = await secrets.start();
  });
  afterAll(async () => {
    await secrets.stop();
    await table.drop();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  /** The deployed entry point, loaded fresh (a new container) with the environment the stack sets. */
  async function loadHandler(overrides: Record<string, string> = {}) {
    const env = {
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
      ...overrides,
    };
    vi.resetModules();
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    return (await import('../../../lambdas/visits/handler.js')).handler;
  }

  async function invoke(handler: Awaited<ReturnType<typeof loadHandler>>, parts: EventParts) {
    let result!: Awaited<ReturnType<typeof handler>>;
    await capturedOutput(async () => {
      result = await handler(proxyEvent(parts), lambdaContext('visits'));
    });
    return jsonOf(result);
  }

  it('records and lists through DynamoDB with the secret from Secrets Manager, fetched once per container, at init', async () => {
    const callsBefore = secrets.calls;
    const handler = await loadHandler();
    // The fetch starts with the init (beside the database read), before any request needs the key.
    await vi.waitFor(() => expect(secrets.calls - callsBefore).toBe(1), { timeout: 5_000 });
    const visit = { method: 'POST', resource: '/v1/visits', body: { siteId: 'handler.example', pageUrl: 'https://handler.example/', visitorIp: '81.2.69.161' } };
    const first = await invoke(handler, visit);
    const second = await invoke(handler, visit);
    const listed = await invoke(handler, { method: 'GET', resource: '/v1/visits', query: { siteId: 'handler.example' } });
    expect([first.status, second.status, listed.status]).toEqual([201, 201, 200]);
    expect(listed.body.visits).toHaveLength(2);
    expect(secrets.calls - callsBefore).toBe(1);

    const pseudonym = deriveVisitKeys(SECRET).pseudonymise('tenant-a', parseIpAddress('81.2.69.161')!);
    const item = (await table.items()).find((i) => i.visitId === first.body.visit.visitId);
    expect(item?.visitorKey).toBe(`TENANT#tenant-a#IP#${pseudonym}`);
    expect(item?.pk).toBe(`TENANT#tenant-a#${visitShard(first.body.visit.visitId, 4)}`);
  });

  it('answers 500 without writing when the secret cannot be read (at init nor on request), and tries again on the next request', async () => {
    const before = await table.items();
    secrets.failing = true;
    const handler = await loadHandler();
    const visit = { method: 'POST', resource: '/v1/visits', body: { siteId: 'retry.example', pageUrl: 'https://retry.example/', visitorIp: '81.2.69.161' } };
    expect(await invoke(handler, visit)).toMatchObject({ status: 500, body: { error: { code: 'INTERNAL_ERROR' } } });
    expect(await table.items()).toEqual(before);
    secrets.failing = false;
    expect(await invoke(handler, visit)).toMatchObject({ status: 201 });
  });

  it.each([
    ['no table name', { VISITS_TABLE_NAME: '' }, 'read the configuration', /VISITS_TABLE_NAME is not set/],
    ['a retention outside 1–3650 days', { RETENTION_DAYS: '0' }, 'read the configuration', /RETENTION_DAYS must be/],
    ['no secret', { PSEUDONYM_SECRET_ARN: '' }, 'read the configuration', /PSEUDONYM_SECRET_ARN is not set/],
    ['a shard count outside 1–32', { VISIT_SHARDS: '33' }, 'read the configuration', /VISIT_SHARDS must be/],
    ['a missing database', { MMDB_PATH: '/nonexistent/db.mmdb' }, 'open the MMDB database', /ENOENT/],
    ['no tenants', { TENANT_API_KEYS: '{}' }, 'read TENANT_API_KEYS', /maps no API key/],
  ])('fails its cold start with one clear log line for %s', async (_, overrides, step, reason) => {
    let failure: unknown;
    const output = await capturedOutput(async () => {
      failure = await loadHandler(overrides).catch((error: unknown) => error);
    });
    expect((failure as Error).message).toMatch(reason);
    const lines = output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(lines).toContainEqual(expect.objectContaining({ level: 'ERROR', message: `startup failed: ${step}` }));
  });
});
