import { request as httpRequest } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApi, type LocalApi } from '../../bin/local/local-api.js';
import { parseIpAddress } from '../../lambdas/shared/ip/ip-address.js';
import { visitorKey } from '../../lambdas/shared/visits/table-schema.js';
import { deriveVisitKeys } from '../../lambdas/shared/visits/visit-keys.js';
import { encodeCursor } from '../../lambdas/visits/list-cursor.js';
import type { EventParts } from '../support/api-gateway-events.js';
import { capturedOutput } from '../support/captured-output.js';
import { testDatabase } from '../support/maxmind-test-data.js';
import { TEST_PSEUDONYM_SECRET } from '../support/visits-api-harness.js';
import { ROUTES, startInProcessFunctions, TENANT_A, TENANT_B, type InProcessFunctions } from './support/in-process-api.js';
import { deployedRoutes, documentedOperations } from './support/route-catalog.js';
import { synthesizeApp } from './support/stack-resources.js';
import { allTenantPartitionKeys, DEFAULT_VISIT_SHARDS, visitPartitionKey, visitShard } from '../../lambdas/shared/visits/table-schema.js';

/**
 * Tenant isolation, attacked: tenant A's key tries to read, erase or export tenant B's data through
 * every route of the API and every parameter — B's site, B's visitor addresses, B's list cursor
 * (as is, re-labelled, forged, even validly signed but pointing into B's partition), fields and
 * headers claiming tenant B, B's key id sent as a key value over the local API Gateway adapter. Every
 * attempt is refused or answered with A's own data only; no answer carries anything of B's; B's
 * items are unchanged afterwards.
 */

const IP_ONLY_B = '214.214.214.218'; // only tenant B has recorded visits from it
const IP_BOTH = '81.2.69.161'; // both tenants have
const B_SITE = 'b-private-site.example';
const B_SECRET_PATH = 'b-secret-page-7f3a';
const A_SITE = 'a-site.example';
const A_PAGE = 'https://a-site.example/pricing';
const asA: Partial<EventParts> = { apiKeyId: TENANT_A.apiKeyId };
const asB: Partial<EventParts> = { apiKeyId: TENANT_B.apiKeyId };
const CLAIMING_B = {
  'x-tenant-id': TENANT_B.tenantId,
  'x-tenant': TENANT_B.tenantId,
  'x-api-key': TENANT_B.apiKeyId,
  'x-api-key-id': TENANT_B.apiKeyId,
  'x-amzn-apigateway-api-key-id': TENANT_B.apiKeyId,
  'x-amzn-apigateway-api-id': TENANT_B.apiKeyId,
  authorization: `Bearer ${TENANT_B.tenantId}`,
};

const keys = deriveVisitKeys(TEST_PSEUDONYM_SECRET);
const visitorKeyOf = (tenantId: string, ip: string) => visitorKey(tenantId, keys.pseudonymise(tenantId, parseIpAddress(ip)!));
const documented = documentedOperations();
const hasRoute = (key: string) => documented.some((operation) => operation.key === key);

let functions: InProcessFunctions;
let bVisits: Array<{ visitId: string; visitedAt: string }>;
let aVisitIds: string[];
let bCursor: string;
let bItemsBefore: Array<Record<string, unknown>>;
/** Strings only B's data contains: none may appear in any answer to A. */
let bMarkers: string[];

/** A call to the function of the route, its logs kept out of the test output. */
async function call(parts: EventParts, tweak?: (event: APIGatewayProxyEvent) => void) {
  let answer!: Awaited<ReturnType<InProcessFunctions['call']>>;
  await capturedOutput(async () => {
    answer = await functions.call(parts, tweak);
  });
  return answer;
}

const record = (ip: string, site: string, page: string, as: Partial<EventParts>) =>
  call({ method: 'POST', resource: '/v1/visits', body: { siteId: site, pageUrl: page, visitorIp: ip }, ...as });
const list = (query: Record<string, string>, as: Partial<EventParts> = asA) => call({ method: 'GET', resource: '/v1/visits', query, ...as });
const itemsOfB = async () => (await functions.table.items()).filter((item) => allTenantPartitionKeys(TENANT_B.tenantId).includes(String(item.pk))).sort((x, y) => String(x.sk).localeCompare(String(y.sk)));
const leaksIn = (text: string | undefined) => bMarkers.filter((marker) => (text ?? '').includes(marker));

beforeAll(async () => {
  functions = await startInProcessFunctions();
  bVisits = [];
  for (const [ip, n] of [[IP_ONLY_B, 3], [IP_BOTH, 1]] as const) {
    for (let i = 0; i < n; i++) {
      const { status, body } = await record(ip, B_SITE, `https://${B_SITE}/${B_SECRET_PATH}/${i}`, asB);
      expect(status).toBe(201);
      bVisits.push(body.visit);
    }
  }
  aVisitIds = [];
  for (let i = 0; i < 2; i++) aVisitIds.push((await record(IP_BOTH, A_SITE, A_PAGE, asA)).body.visit.visitId);
  bCursor = (await list({ limit: '1' }, asB)).body.nextCursor;
  expect(bCursor).toEqual(expect.any(String));
  bItemsBefore = await itemsOfB();
  bMarkers = [
    ...bVisits.map((visit) => visit.visitId),
    B_SECRET_PATH,
    `TENANT#${TENANT_B.tenantId}`,
    visitorKeyOf(TENANT_B.tenantId, IP_ONLY_B).split('#IP#')[1]!,
    visitorKeyOf(TENANT_B.tenantId, IP_BOTH).split('#IP#')[1]!,
  ];
});

afterAll(async () => {
  await functions?.stop();
});

describe('tenant B’s data', () => {
  it('is there for B to see (so the attacks below have something to find)', async () => {
    const { status, body } = await list({}, asB);
    expect(status).toBe(200);
    expect(body.visits.map((v: { visitId: string }) => v.visitId).sort()).toEqual(bVisits.map((v) => v.visitId).sort());
    expect(bItemsBefore).toHaveLength(4);
    expect(leaksIn(JSON.stringify(body))).not.toEqual([]); // the markers do detect B's data
  });
});

describe('listing visits (GET /v1/visits) as A', () => {
  it('lists A’s visits only, and nothing for B’s site', async () => {
    const all = await list({});
    expect(all.status).toBe(200);
    expect(all.body.visits.map((v: { visitId: string }) => v.visitId).sort()).toEqual([...aVisitIds].sort());
    expect(await list({ siteId: B_SITE })).toMatchObject({ status: 200, body: { visits: [], nextCursor: null } });
  });

  it('refuses B’s cursor as it is, with B’s site, re-labelled for A, or forged without the key', async () => {
    const refused = { status: 400, body: { error: { code: 'INVALID_CURSOR' } } };
    const [payload, mac] = bCursor.split('.') as [string, string];
    const fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown[];
    const relabelled = Buffer.from(JSON.stringify([TENANT_A.tenantId, ...fields.slice(1)])).toString('base64url');
    const forgedKey = deriveVisitKeys('a guess at the secret, long enough to be accepted as one').cursorKey;
    for (const cursor of [
      bCursor,
      `${relabelled}.${mac}`,
      encodeCursor(forgedKey, { tenantId: TENANT_A.tenantId, from: String(fields[1]), to: String(fields[2]), siteId: null, position: String(fields[4]) }),
      `${payload}.${mac}.${mac}`,
      `${payload}`,
    ]) {
      expect(await list({ cursor }), cursor).toMatchObject(refused);
      expect(await list({ cursor, siteId: B_SITE }), cursor).toMatchObject(refused);
    }
  });

  it('gives A only A’s partition even for a validly signed cursor pointing at B’s visit (a leaked key or a bug)', async () => {
    const [payload] = bCursor.split('.') as [string];
    const [, from, to, , position] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as string[];
    const cursor = encodeCursor(keys.cursorKey, { tenantId: TENANT_A.tenantId, from: from!, to: to!, siteId: null, position: position! });
    const answer = await list({ cursor });
    expect(answer.status).toBe(200);
    expect(leaksIn(answer.text)).toEqual([]);
    for (const visit of answer.body.visits) expect(aVisitIds).toContain(visit.visitId);
  });
});

describe.runIf(hasRoute('POST /v1/visitor-data/search') && hasRoute('POST /v1/visitor-data/erase'))('the data subject routes as A, for addresses B has seen', () => {
  const search = (body: unknown) => call({ method: 'POST', resource: '/v1/visitor-data/search', body, ...asA });
  const erase = (body: unknown) => call({ method: 'POST', resource: '/v1/visitor-data/erase', body, ...asA });

  it('finds nothing of B’s for an address only B has seen, even with a cursor pointing into B’s visits', async () => {
    expect(await search({ ip: IP_ONLY_B })).toMatchObject({ status: 200, body: { visits: [], nextCursor: null } });
    const bSortKey = (await itemsOfB())[0]!.sk as string;
    const answer = await search({ ip: IP_ONLY_B, cursor: Buffer.from(bSortKey).toString('base64url') });
    expect(answer.status).toBeLessThan(500);
    expect(leaksIn(answer.text)).toEqual([]);
    expect(answer.body.visits ?? []).toEqual([]);
  });

  it('finds only A’s visits for an address both have seen', async () => {
    const answer = await search({ ip: IP_BOTH });
    expect(answer.status).toBe(200);
    expect(leaksIn(answer.text)).toEqual([]);
    expect(answer.body.visits.map((v: { visitId: string }) => v.visitId).sort()).toEqual([...aVisitIds].sort());
  });

  it('erases nothing of B’s: none for B’s address, only A’s own for a shared one', async () => {
    expect(await erase({ ip: IP_ONLY_B })).toMatchObject({ status: 200, body: { deleted: 0 } });
    expect(await itemsOfB()).toEqual(bItemsBefore);
    const shared = await erase({ ip: IP_BOTH });
    expect(shared).toMatchObject({ status: 200, body: { deleted: aVisitIds.length } });
    expect(await itemsOfB()).toEqual(bItemsBefore);
    expect((await list({}, asB)).body.visits).toHaveLength(bVisits.length);
  });
});

describe('through the local API Gateway adapter (real HTTP, API key values)', () => {
  let api: LocalApi;
  const KEY_VALUE = { a: 'local-value-of-tenant-a-0123456789', b: 'local-value-of-tenant-b-9876543210' };

  beforeAll(async () => {
    api = await startLocalApi({
      mmdbPath: testDatabase('GeoIP2-Enterprise-Test'),
      dynamoDbEndpoint: functions.table.endpoint,
      tableName: functions.table.tableName,
      apiKeys: [
        { tenantId: TENANT_A.tenantId, apiKey: KEY_VALUE.a, apiKeyId: TENANT_A.apiKeyId },
        { tenantId: TENANT_B.tenantId, apiKey: KEY_VALUE.b, apiKeyId: TENANT_B.apiKeyId },
      ],
      pseudonymSecret: TEST_PSEUDONYM_SECRET,
      retentionDays: 30,
      port: 0,
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  function send(path: string, headers: Record<string, string | string[]>, body?: unknown): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(`${api.url}${path}`, { method: body === undefined ? 'GET' : 'POST' }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode!, text: Buffer.concat(chunks).toString('utf8') }));
      });
      request.on('error', reject);
      for (const [name, value] of Object.entries(headers)) request.setHeader(name, value);
      if (body !== undefined) request.setHeader('content-type', 'application/json');
      request.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  it('serves A’s key value with B’s key id in every header as A, and nothing of B’s', async () => {
    const claims = { 'x-api-key-id': TENANT_B.apiKeyId, 'x-amzn-apigateway-api-key-id': TENANT_B.apiKeyId, 'x-tenant-id': TENANT_B.tenantId };
    const listing = await send(`/v1/visits?siteId=${B_SITE}`, { 'x-api-key': KEY_VALUE.a, ...claims });
    expect(listing.status).toBe(200);
    expect(JSON.parse(listing.text).visits).toEqual([]);
    expect(leaksIn(listing.text)).toEqual([]);
    if (hasRoute('POST /v1/visitor-data/search')) {
      const found = await send('/v1/visitor-data/search', { 'x-api-key': KEY_VALUE.a, ...claims }, { ip: IP_ONLY_B });
      expect(found.status).toBe(200);
      expect(JSON.parse(found.text).visits).toEqual([]);
    }
  });

  it('refuses B’s key id sent as a key value, a near miss of B’s value, and two keys at once', async () => {
    for (const key of [TENANT_B.apiKeyId, `${KEY_VALUE.b}x`, KEY_VALUE.b.toUpperCase(), `${KEY_VALUE.a},${KEY_VALUE.b}`, [KEY_VALUE.a, KEY_VALUE.b]]) {
      const answer = await send('/v1/visits', { 'x-api-key': key });
      expect(answer.status, JSON.stringify(key)).toBe(403);
      expect(leaksIn(answer.text)).toEqual([]);
    }
  });

  it('leaves B’s items as they were', async () => {
    expect(await itemsOfB()).toEqual(bItemsBefore);
  });
});

describe('recording visits (POST /v1/visits) as A with B’s ids', () => {
  it('stores under A’s partition and pseudonym, never B’s, and refuses fields that name a tenant or a key', async () => {
    const stored = await record(IP_ONLY_B, B_SITE, `https://${B_SITE}/`, asA);
    expect(stored.status).toBe(201);
    const item = (await functions.table.items()).find((i) => i.visitId === stored.body.visit.visitId)!;
    expect(item.pk).toBe(visitPartitionKey(TENANT_A.tenantId, visitShard(String(item.visitId), DEFAULT_VISIT_SHARDS)));
    expect(item.visitorKey).toBe(visitorKeyOf(TENANT_A.tenantId, IP_ONLY_B));
    expect(item.visitorKey).not.toBe(visitorKeyOf(TENANT_B.tenantId, IP_ONLY_B));
    for (const field of ['tenantId', 'pk', 'sk', 'visitorKey', 'visitId', 'expiresAt']) {
      const answer = await call({ method: 'POST', resource: '/v1/visits', body: { siteId: A_SITE, pageUrl: A_PAGE, visitorIp: IP_BOTH, [field]: 'TENANT#tenant-b' }, ...asA });
      expect(answer, field).toMatchObject({ status: 400, body: { error: { code: 'UNKNOWN_FIELD' } } });
    }
    expect(await itemsOfB()).toEqual(bItemsBefore);
  });
});

describe('tenant A’s key, on every route of the API, with B’s parameters and claims of being B', () => {
  const bSample = (ip: string) => ({ ip, siteId: B_SITE, pageUrl: A_PAGE });
  const variants = (parts: EventParts): Array<[string, EventParts, (event: APIGatewayProxyEvent) => void]> => {
    const withFields = (extra: Record<string, unknown>) =>
      typeof parts.body === 'object' && parts.body !== null ? { ...parts, body: { ...(parts.body as object), ...extra } } : parts;
    return [
      ['as sent', parts, () => undefined],
      ['headers claiming B', { ...parts, headers: { ...parts.headers, ...CLAIMING_B } }, () => undefined],
      ['query naming B', { ...parts, query: { ...(parts.query ?? {}), tenantId: TENANT_B.tenantId, tenant: TENANT_B.tenantId } }, () => undefined],
      ['body fields naming B', withFields({ tenantId: TENANT_B.tenantId, pk: `TENANT#${TENANT_B.tenantId}`, apiKeyId: TENANT_B.apiKeyId }), () => undefined],
      ['B’s key value beside A’s key id', parts, (event) => Object.assign(event.requestContext.identity, { apiKey: 'the-key-value-of-tenant-b' })],
      ['B’s tenant id in the Lambda context path', { ...parts, path: `/tenants/${TENANT_B.tenantId}${parts.resource}` }, () => undefined],
    ];
  };

  it.each(documented.map((operation) => operation.key))('%s answers nothing of B’s and changes nothing of B’s', async (key) => {
    const route = ROUTES[key];
    expect(route, `register ${key} in test/security/support/in-process-api.ts`).toBeDefined();
    const answered: string[] = [];
    for (const ip of [IP_ONLY_B, IP_BOTH]) {
      for (const [name, parts, tweak] of variants({ ...route!.example(bSample(ip)), ...asA })) {
        const answer = await call(parts, tweak);
        expect(answer.status, `${name} (${ip}): ${answer.text}`).toBeLessThan(500);
        expect(leaksIn(answer.text), `${name} (${ip}) leaked B's data: ${answer.text}`).toEqual([]);
        answered.push(`${answer.status}`);
      }
    }
    expect(answered.length).toBeGreaterThan(0);
    expect(await itemsOfB()).toEqual(bItemsBefore);
  });
});

describe('routes a tenant key cannot reach at all', () => {
  it('every deployed route needs a tenant key, unless it is an IAM-authorized operator route or documented as public', () => {
    const app = synthesizeApp({ asDeployed: false });
    const isPublic = (resource: string) => documented.some((op) => op.resource === resource && Array.isArray(op.operation.security) && op.operation.security.length === 0);
    for (const route of deployedRoutes(app)) {
      const [method, resource] = route.key.split(' ') as [string, string];
      const operation = documented.find((candidate) => candidate.key === route.key);
      if (operation ? isPublic(resource) : method === 'OPTIONS' && isPublic(resource)) expect(route, `${route.key} (public)`).toMatchObject({ apiKeyRequired: false });
      else if (operation) expect(route, route.key).toMatchObject({ apiKeyRequired: true });
      else expect(route, `${route.key} is not in the tenant API document: operators only`).toMatchObject({ authorization: 'AWS_IAM', apiKeyRequired: false });
    }
  }, 120_000); // a whole synthesis, bundling included
});
