import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Visit } from '../../lambdas/shared/visits/visit.js';
import { VisitsRepository } from '../../lambdas/shared/visits/visits-repository.js';
import { ERASURE_NOT_CONFIRMED_LOG_MESSAGE } from '../../lambdas/visitor-data/visitor-data-api.js';
import { localDocumentClient } from '../../bin/local/local-aws.js';
import { createTestVisitsTable, type TestVisitsTable } from '../support/dynamodb.js';
import { visitsApiHarness, type VisitsApiHarness } from '../support/visits-api-harness.js';
import { ControllerTopics, unreachableSns } from './support/controller-topics.js';
import { TEST_REQUEST_REFERENCE, visitorDataHarness, type VisitorDataHarness } from './support/visitor-data-harness.js';

/**
 * POST /v1/visitor-data/search and /erase through API Gateway proxy events, on DynamoDB Local with
 * the real SDK. Visits are recorded through the visits function (POST /v1/visits) with the same
 * secret, so search and erase find them by the pseudonyms the recording stored. Erasure
 * confirmations are published with the real SDK to fauxqs (a local SNS server).
 */
const GOVERNMENT_IP = '81.2.69.161'; // stored (government) by the GeoIP2 Enterprise test database
const BUSINESS_IP = '214.214.214.218'; // stored (business)
const B = { apiKeyId: 'rights-key-tenant-b' };
const B_INTEGRATION = { apiKeyId: 'key-tenant-b' };

let table: TestVisitsTable;
let visits: VisitsApiHarness;
let data: VisitorDataHarness;
let topics: ControllerTopics;
const harness = (options: Parameters<typeof visitorDataHarness>[2] = {}) => visitorDataHarness(table, { topicArns: topics.topicArns, sns: topics.sns() }, options);
const confirmationsOf = (tenantId: string) => topics.received(tenantId).filter((notice) => notice.Subject?.startsWith('Erasure completed'));

beforeAll(async () => {
  table = await createTestVisitsTable();
  topics = await ControllerTopics.start(['tenant-a', 'tenant-b']);
  visits = visitsApiHarness(table);
  data = harness();
});
afterAll(async () => {
  await topics.stop();
  await table.drop();
});

/** Records a visit through the visits function; returns its id. */
async function record(visitorIp: string, siteId: string, parts = {}): Promise<string> {
  visits.now = new Date(visits.now.getTime() + 1000); // distinct times, so "newest first" is one order
  const { status, body } = await visits.record({ siteId, pageUrl: `https://${siteId}/`, visitorIp }, parts);
  expect(status).toBe(201);
  return body.visit.visitId;
}

/** Stores visits straight through the repository (for volume), under the pseudonym the API computes. */
async function store(tenantId: string, ip: string, count: number): Promise<Visit[]> {
  const repository = new VisitsRepository({ client: table.documentClient, tableName: table.tableName, tenantId });
  const now = Date.now();
  const stored = Array.from({ length: count }, (_, i): Visit => ({
    visitId: randomUUID(),
    siteId: 'volume.example',
    pageUrl: 'https://volume.example/',
    referrer: null,
    visitedAt: new Date(now - (i + 1) * 60_000).toISOString(),
    expiresAt: Math.floor(now / 1000) + 86_400,
    company: { classification: 'business', organisation: 'Volume B.V.', domain: null, asn: null, country: 'NL' },
    database: { type: 'test', buildDate: '2026-01-01T00:00:00.000Z' },
  }));
  for (const visit of stored) await repository.add(visit, data.pseudonymOf(tenantId, ip));
  return stored; // newest first
}

describe('two tenants with visits of the same address', () => {
  const ids = { aGovernment: [] as string[], aBusiness: [] as string[], bGovernment: [] as string[] };

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) ids.aGovernment.push(await record(GOVERNMENT_IP, 'a.example'));
    ids.aBusiness.push(await record(BUSINESS_IP, 'a.example'));
    for (let i = 0; i < 2; i++) ids.bGovernment.push(await record(GOVERNMENT_IP, 'b.example', B_INTEGRATION));
  });

  it('search answers each tenant with its own visits of the address only, newest first, in the list route’s shape', async () => {
    const a = await data.search({ ip: GOVERNMENT_IP });
    expect(a.status).toBe(200);
    expect(a.body.nextCursor).toBeNull();
    expect(a.body.visits.map((v: { visitId: string }) => v.visitId)).toEqual([...ids.aGovernment].reverse());
    visits.now = new Date(visits.now.getTime() + 1000); // the list window ends at now, exclusive
    const listed = (await visits.list({ siteId: 'a.example' })).body.visits;
    for (const visit of a.body.visits) expect(visit).toEqual(listed.find((v: { visitId: string }) => v.visitId === visit.visitId));

    const b = await data.search({ ip: GOVERNMENT_IP }, B);
    expect(b.body.visits.map((v: { visitId: string }) => v.visitId)).toEqual([...ids.bGovernment].reverse());
    expect((await data.search({ ip: BUSINESS_IP }, B)).body).toEqual({ visits: [], nextCursor: null });
  });

  it('finds the address however it is written (IPv4-mapped IPv6 is the IPv4 address)', async () => {
    const mapped = await data.search({ ip: `::ffff:${GOVERNMENT_IP}` });
    expect(mapped.body.visits.map((v: { visitId: string }) => v.visitId).sort()).toEqual([...ids.aGovernment].sort());
  });

  it('erase deletes exactly the caller’s visits of the address, leaves everything else, and is idempotent', async () => {
    const before = await table.items();
    const erased = await data.erase({ ip: GOVERNMENT_IP });
    expect(erased).toMatchObject({ status: 200, body: { deleted: 3, complete: true, controllerNotified: true } });

    const after = await table.items();
    const gone = before.filter((item) => !after.some((kept) => kept.sk === item.sk && kept.pk === item.pk));
    expect(gone.map((item) => item.visitId).sort()).toEqual([...ids.aGovernment].sort());
    expect(after).toHaveLength(before.length - 3);
    for (const id of [...ids.aBusiness, ...ids.bGovernment]) expect(after.map((item) => item.visitId)).toContain(id);

    expect(await data.erase({ ip: GOVERNMENT_IP })).toMatchObject({ status: 200, body: { deleted: 0, complete: true } });
    expect((await data.search({ ip: GOVERNMENT_IP })).body).toEqual({ visits: [], nextCursor: null });
    expect((await data.search({ ip: GOVERNMENT_IP }, B)).body.visits).toHaveLength(2);
    expect((await data.search({ ip: BUSINESS_IP })).body.visits).toHaveLength(1);
  });
});

describe('paging', () => {
  it('search pages through every visit of an address without gaps or repeats', async () => {
    const ip = '81.2.69.162';
    const stored = await store('tenant-a', ip, 7);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { status, body } = await data.search(cursor === undefined ? { ip, limit: 3 } : { ip, limit: 3, cursor });
      expect(status).toBe(200);
      expect(body.visits.length).toBeLessThanOrEqual(3);
      seen.push(...body.visits.map((v: { visitId: string }) => v.visitId));
      cursor = body.nextCursor ?? undefined;
      pages++;
    } while (cursor !== undefined && pages < 10);
    expect(seen).toEqual(stored.map((v) => v.visitId));
  });

  it('a cursor only moves within the caller’s own visits of the address it is sent with', async () => {
    const ip = '81.2.69.163';
    await store('tenant-a', ip, 3);
    const bVisits = await store('tenant-b', ip, 3);
    const aFirstPage = await data.search({ ip, limit: 1 });
    const replayedByB = await data.search({ ip, limit: 10, cursor: aFirstPage.body.nextCursor }, B);
    expect(replayedByB.status).toBe(200);
    for (const visit of replayedByB.body.visits) expect(bVisits.map((v) => v.visitId)).toContain(visit.visitId);
  });

  it('erase stops at its per-call limit, says so, and the next calls finish the job with exact counts', async () => {
    const ip = '81.2.69.164';
    await store('tenant-a', ip, 10);
    const limited = harness({ maxErasedPerRequest: 4 });
    const confirmedBefore = confirmationsOf('tenant-a').length;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await limited.erase({ ip })).body);
    expect(answers).toEqual([
      { deleted: 4, complete: false, controllerNotified: false },
      { deleted: 4, complete: false, controllerNotified: false },
      { deleted: 2, complete: true, controllerNotified: true },
      { deleted: 0, complete: true, controllerNotified: true },
    ]);
    // Only the calls that complete the erasure are confirmed.
    expect(confirmationsOf('tenant-a').slice(confirmedBefore).map((n) => /Visits deleted: (\d+)/.exec(n.Message)?.[1])).toEqual(['2', '0']);
    const pseudonym = data.pseudonymOf('tenant-a', ip);
    expect((await table.items()).filter((item) => String(item.visitorKey).endsWith(pseudonym))).toEqual([]);
  });
});

describe('an erasure interrupted by DynamoDB', () => {
  it('answers 503 ERASURE_INCOMPLETE with the exact count deleted, and a repeat finishes it', async () => {
    const ip = '81.2.69.165';
    await store('tenant-a', ip, 6);
    // FAILURE-PATH MOCK: a real client whose every other DeleteItem fails as if throttled, before it
    // reaches DynamoDB Local (which cannot be made to throttle on cue).
    const failing = localDocumentClient(table.endpoint);
    let deletes = 0;
    failing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteItemCommand' && deletes++ % 2 === 1) {
          throw Object.assign(new Error('Throughput exceeds the current capacity (injected)'), {
            name: 'ThrottlingException',
            $metadata: { httpStatusCode: 400 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'failEveryOtherDelete' },
    );
    const pseudonym = data.pseudonymOf('tenant-a', ip);
    const remaining = async () => (await table.items()).filter((item) => String(item.visitorKey).endsWith(pseudonym)).length;

    const confirmedBefore = confirmationsOf('tenant-a').length;
    const interrupted = await harness({ client: failing }).erase({ ip });
    expect(interrupted.status).toBe(503);
    expect(interrupted.body.error).toMatchObject({ code: 'ERASURE_INCOMPLETE', details: { deleted: 3 } });
    expect(await remaining()).toBe(3);
    expect(interrupted.logs).toContain('visitor data erasure incomplete');
    expect(confirmationsOf('tenant-a')).toHaveLength(confirmedBefore);

    expect((await data.erase({ ip })).body).toEqual({ deleted: 3, complete: true, controllerNotified: true });
    expect(await remaining()).toBe(0);
    failing.destroy();
  });
});

describe('the written confirmation of a completed erasure', () => {
  it("reaches the caller's own controller only, with reference, time and count, and never the address or its pseudonym", async () => {
    const ip = '81.2.69.166';
    await store('tenant-b', ip, 2);
    const [aBefore, bBefore] = [confirmationsOf('tenant-a').length, confirmationsOf('tenant-b').length];
    const erased = await data.erase({ ip, requestReference: 'case-2026/0042' }, B);
    expect(erased.body).toEqual({ deleted: 2, complete: true, controllerNotified: true });

    expect(confirmationsOf('tenant-a')).toHaveLength(aBefore);
    const [confirmation] = confirmationsOf('tenant-b').slice(bBefore);
    expect(confirmation).toMatchObject({ Subject: 'Erasure completed case-2026/0042', TopicArn: topics.topicArns.get('tenant-b') });
    expect(confirmation!.Message).toContain('Reference:      case-2026/0042');
    expect(confirmation!.Message).toContain('Tenant:         tenant-b');
    expect(confirmation!.Message).toContain('Visits deleted: 2 by the completing call');
    expect(confirmation!.Message).toMatch(/Completed: +\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z \(UTC\)/);
    expect(confirmation!.Message).not.toContain(ip);
    expect(confirmation!.Message).not.toContain(data.pseudonymOf('tenant-b', ip));
  });

  it('a confirmation that cannot be sent leaves the erasure standing: 200, controllerNotified false, logged without the address', async () => {
    const ip = '81.2.69.167';
    await store('tenant-a', ip, 1);
    const unreachable = unreachableSns();
    const erased = await visitorDataHarness(table, { topicArns: topics.topicArns, sns: unreachable }).erase({ ip });
    expect(erased).toMatchObject({ status: 200, body: { deleted: 1, complete: true, controllerNotified: false } });
    expect((await data.search({ ip })).body.visits).toEqual([]);
    expect(erased.logs).toContain(ERASURE_NOT_CONFIRMED_LOG_MESSAGE);
    expect(erased.logs).toContain(TEST_REQUEST_REFERENCE);
    expect(erased.logs).not.toContain(ip);
    unreachable.destroy();
  });

  it('a tenant without a request topic is answered controllerNotified false, and the gap is logged', async () => {
    const ip = '81.2.69.168';
    await store('tenant-b', ip, 1);
    const withoutB = visitorDataHarness(table, { topicArns: new Map([['tenant-a', topics.topicArns.get('tenant-a')!]]), sns: topics.sns() });
    const erased = await withoutB.erase({ ip }, B);
    expect(erased).toMatchObject({ status: 200, body: { deleted: 1, complete: true, controllerNotified: false } });
    expect(erased.logs).toContain('the tenant has no request topic');
  });
});

describe('bad input', () => {
  it.each<[string, number, string, Parameters<VisitorDataHarness['call']>[0]]>([
    ['no body', 400, 'BODY_REQUIRED', { method: 'POST', resource: '/v1/visitor-data/search' }],
    ['invalid JSON', 400, 'INVALID_JSON', { method: 'POST', resource: '/v1/visitor-data/search', body: '{"ip":' }],
    ['an array', 400, 'INVALID_BODY', { method: 'POST', resource: '/v1/visitor-data/erase', body: [GOVERNMENT_IP] }],
    ['no ip', 400, 'MISSING_FIELD', { method: 'POST', resource: '/v1/visitor-data/erase', body: {} }],
    ['an unknown field', 400, 'UNKNOWN_FIELD', { method: 'POST', resource: '/v1/visitor-data/erase', body: { ip: GOVERNMENT_IP, tenantId: 'tenant-b' } }],
    ['a page size on erase', 400, 'UNKNOWN_FIELD', { method: 'POST', resource: '/v1/visitor-data/erase', body: { ip: GOVERNMENT_IP, limit: 5 } }],
    ['an ip that is a number', 400, 'INVALID_IP', { method: 'POST', resource: '/v1/visitor-data/search', body: { ip: 1 } }],
    ['an ip that is not an address', 400, 'INVALID_IP', { method: 'POST', resource: '/v1/visitor-data/erase', body: { ip: '81.2.69' } }],
    ['an ip with a zone', 400, 'INVALID_IP', { method: 'POST', resource: '/v1/visitor-data/erase', body: { ip: 'fe80::1%eth0' } }],
    ['a private ip', 422, 'NOT_PUBLIC_ADDRESS', { method: 'POST', resource: '/v1/visitor-data/search', body: { ip: '10.1.2.3' } }],
    ['a loopback ip', 422, 'NOT_PUBLIC_ADDRESS', { method: 'POST', resource: '/v1/visitor-data/erase', body: { ip: '::1' } }],
    ['a page size of 0', 400, 'INVALID_FIELD', { method: 'POST', resource: '/v1/visitor-data/search', body: { ip: GOVERNMENT_IP, limit: 0 } }],
    ['a page size of 101', 400, 'INVALID_FIELD', { method: 'POST', resource: '/v1/visitor-data/search', body: { ip: GOVERNMENT_IP, limit: 101 } }],
    ['a page size as text', 400, 'INVALID_FIELD', { method: 'POST', resource: '/v1/visitor-data/search', body: { ip: GOVERNMENT_IP, limit: '5' } }],
    ['a fractional page size', 400, 'INVALID_FIELD', { method: 'POST', resource: '/v1/visitor-data/search', body: { ip: GOVERNMENT_IP, limit: 1.5 } }],
    ['a cursor that is a number', 400, 'INVALID_FIELD', { method: 'POST', resource: '/v1/visitor-data/search', body: { ip: GOVERNMENT_IP, cursor: 5 } }],
    ['a cursor that is not base64url', 400, 'INVALID_CURSOR', { method: 'POST', resource: '/v1/visitor-data/search', body: { ip: GOVERNMENT_IP, cursor: 'a+b/c=' } }],
    ['a cursor of another key', 400, 'INVALID_CURSOR', { method: 'POST', resource: '/v1/visitor-data/search', body: { ip: GOVERNMENT_IP, cursor: Buffer.from('TENANT#tenant-b').toString('base64url') } }],
    ['a cursor too long', 400, 'INVALID_CURSOR', { method: 'POST', resource: '/v1/visitor-data/search', body: { ip: GOVERNMENT_IP, cursor: 'a'.repeat(257) } }],
    ['a query parameter', 400, 'UNKNOWN_PARAMETER', { method: 'POST', resource: '/v1/visitor-data/erase', body: { ip: GOVERNMENT_IP }, query: { ip: GOVERNMENT_IP } }],
    ['a text body', 415, 'UNSUPPORTED_MEDIA_TYPE', { method: 'POST', resource: '/v1/visitor-data/erase', body: '{}', headers: { 'Content-Type': 'text/plain' } }],
    ['a body over 1 KiB', 413, 'PAYLOAD_TOO_LARGE', { method: 'POST', resource: '/v1/visitor-data/erase', body: { ip: GOVERNMENT_IP, pad: 'x'.repeat(1024) } }],
    ['no API key', 403, 'INVALID_API_KEY', { method: 'POST', resource: '/v1/visitor-data/erase', body: { ip: GOVERNMENT_IP }, apiKeyId: null }],
    ['a key no tenant owns', 403, 'INVALID_API_KEY', { method: 'POST', resource: '/v1/visitor-data/search', body: { ip: GOVERNMENT_IP }, apiKeyId: 'key-nobody' }],
    ['the integration key (not the rights key)', 403, 'INVALID_API_KEY', { method: 'POST', resource: '/v1/visitor-data/search', body: { ip: GOVERNMENT_IP }, apiKeyId: 'key-tenant-a' }],
    ['no request reference', 400, 'MISSING_FIELD', { method: 'POST', resource: '/v1/visitor-data/erase', body: { ip: GOVERNMENT_IP, requestReference: undefined } }],
    ['a request reference that is an address', 400, 'INVALID_FIELD', { method: 'POST', resource: '/v1/visitor-data/search', body: { ip: GOVERNMENT_IP, requestReference: BUSINESS_IP } }],
    ['a request reference that is an e-mail address', 400, 'INVALID_FIELD', { method: 'POST', resource: '/v1/visitor-data/erase', body: { ip: GOVERNMENT_IP, requestReference: 'jane@example.org' } }],
    ['another method', 405, 'METHOD_NOT_ALLOWED', { method: 'DELETE', resource: '/v1/visitor-data/erase', body: { ip: GOVERNMENT_IP } }],
    ['another resource', 404, 'NOT_FOUND', { method: 'POST', resource: '/v1/visitor-data/{ip}', body: { ip: GOVERNMENT_IP } }],
  ])('%s → %i %s, nothing deleted', async (_, status, code, parts) => {
    const before = await table.items();
    const answer = await data.call(parts);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
    expect(answer.result.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(await table.items()).toEqual(before);
  });

  it('never repeats an address from the body, even one sent as a field name', async () => {
    const answer = await data.erase({ ip: GOVERNMENT_IP, [BUSINESS_IP]: true });
    expect(answer.body.error.code).toBe('UNKNOWN_FIELD');
    expect(JSON.stringify(answer.body)).not.toContain(BUSINESS_IP);
  });
});

it('logs neither the address nor its pseudonym', async () => {
  const ip = '81.2.69.166';
  await store('tenant-a', ip, 2);
  const logs = [
    await data.search({ ip }),
    await data.erase({ ip }),
    await data.erase({ ip: `::ffff:${ip}` }),
    await data.search({ ip: '10.0.0.1' }),
    await data.search({ ip, [ip]: 1 }),
  ].map((answer) => answer.logs).join('\n');
  expect(logs).toContain('visitor data erased');
  // Each use names the request it serves: the audit link from a log line to a data-subject request.
  expect(logs).toMatch(/"message":"visitor data searched".*"requestReference":"DSR-test-0001"/);
  expect(logs).toMatch(/"message":"visitor data erased".*"requestReference":"DSR-test-0001"/);
  expect(logs).not.toContain(ip);
  expect(logs).not.toContain(data.pseudonymOf('tenant-a', ip));
});
