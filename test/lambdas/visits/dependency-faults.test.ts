import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localDocumentClient } from '../../../bin/local/local-aws.js';
import { RETRY_AFTER_SECONDS } from '../../../lambdas/shared/http/dependency-unavailable.js';
import { startDynamoDbFaultProxy, type DynamoDbFaultProxy } from '../../support/dynamodb-fault-proxy.js';
import { createTestVisitsTable, type TestVisitsTable } from '../../support/dynamodb.js';
import { visitsApiHarness, type VisitsApiHarness } from '../../support/visits-api-harness.js';

/**
 * The visits function (middleware included) with the SDK's default retries, as deployed, talking to
 * DynamoDB Local through a proxy that answers like DynamoDB under load (throttling, 500s). DynamoDB
 * Local never throttles by itself, hence the proxy; everything else is real.
 */
describe('visits API when DynamoDB throttles or fails', () => {
  let table: TestVisitsTable;
  let proxy: DynamoDbFaultProxy;
  let api: VisitsApiHarness;
  const organisationVisit = { siteId: 'faults.example', pageUrl: 'https://faults.example/', visitorIp: '214.214.214.218' };

  beforeAll(async () => {
    table = await createTestVisitsTable();
    proxy = await startDynamoDbFaultProxy(table.endpoint);
    api = visitsApiHarness(table, { documentClient: localDocumentClient(proxy.endpoint, { maxAttempts: 3 }) });
  });
  afterAll(async () => {
    await proxy.stop();
    await table.drop();
  });
  beforeEach(() => proxy.setPolicy({}));

  it.each(['throttle', 'error'] as const)('answers 503 with Retry-After, never 500, and stores nothing when every attempt meets %s', async (fault) => {
    const before = await table.items();
    proxy.setPolicy({ rates: { [fault]: 1 } });
    const answer = await api.record(organisationVisit);
    expect(answer.status).toBe(503);
    expect(answer.result.headers?.['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
    expect(answer.body).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('nothing was applied') } });
    expect(proxy.counts[fault]).toBeGreaterThanOrEqual(3); // the SDK retried before giving up
    proxy.setPolicy({});
    expect(await table.items()).toEqual(before);

    proxy.setPolicy({ rates: { [fault]: 1 } });
    const listed = await api.list();
    expect([listed.status, listed.result.headers?.['retry-after']]).toEqual([503, String(RETRY_AFTER_SECONDS)]);
  });

  it('stores the visit once when a failure is followed by a successful retry', async () => {
    const before = (await table.items()).length;
    proxy.failNext('throttle');
    const answer = await api.record(organisationVisit);
    expect(answer.status).toBe(201);
    const items = await table.items();
    expect(items).toHaveLength(before + 1);
    expect(items.filter((item) => item.visitId === answer.body.visit.visitId)).toHaveLength(1);
  });

  it('answers 201 and stores one copy when the write was applied but its answer lost (the retry meets its own item)', async () => {
    const before = (await table.items()).length;
    proxy.setPolicy({ operations: ['PutItem'] });
    proxy.failNext('applied-error');
    const answer = await api.record(organisationVisit);
    expect(answer.status).toBe(201);
    const items = await table.items();
    expect(items).toHaveLength(before + 1);
    expect(items.filter((item) => item.visitId === answer.body.visit.visitId)).toHaveLength(1);
  });

  it('logs the dependency failure without the visitor address', async () => {
    proxy.setPolicy({ rates: { error: 1 } });
    const answer = await api.record(organisationVisit);
    expect(answer.status).toBe(503);
    expect(answer.logs).toContain('dependency unavailable');
    expect(answer.logs).not.toContain(organisationVisit.visitorIp);
  });
});
