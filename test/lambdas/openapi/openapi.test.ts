import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComplianceRegisterApi } from '../../../lambdas/compliance-register/compliance-register-api.js';
import { createEnrichApi } from '../../../lambdas/enrich/enrich-api.js';
import { createEnricher } from '../../../lambdas/shared/enrichment/enricher.js';
import { MmdbDatabase } from '../../../lambdas/shared/enrichment/mmdb-database.js';
import { httpApi } from '../../../lambdas/shared/http/middleware.js';
import { createLogger } from '../../../lambdas/shared/logging/logger.js';
import { TenantDirectory } from '../../../lambdas/shared/tenants/tenant-directory.js';
import { jsonOf, lambdaContext, proxyEvent, TEST_TENANT_KEYS, type EventParts } from '../../support/api-gateway-events.js';
import { capturedOutput } from '../../support/captured-output.js';
import { createTestVisitsTable, type TestVisitsTable } from '../../support/dynamodb.js';
import { REPO_ROOT, testDatabase } from '../../support/maxmind-test-data.js';
import { visitsApiHarness, type VisitsApiHarness } from '../../support/visits-api-harness.js';
import { BROWSER_USER_AGENT, collectorHarness, SHOP_KEY, type CollectorHarness } from '../../support/collector-harness.js';
import { ControllerTopics } from '../../data-subjects/support/controller-topics.js';
import { requestsHarness, type RequestsHarness } from '../../data-subjects/support/requests-harness.js';
import { withReference, visitorDataHarness, type VisitorDataHarness } from '../../data-subjects/support/visitor-data-harness.js';
import { sampleView } from '../../compliance/support/sample-view.js';

const openapi = JSON.parse(readFileSync(path.join(REPO_ROOT, 'lib/api/openapi.json'), 'utf8'));
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * The document's schemas as one JSON Schema 2020-12 resource ("#/components/schemas/X" → "#/$defs/X"),
 * compiled by ajv in strict mode: a typo in a keyword fails here.
 */
const ajv = new Ajv2020({ strict: true, allErrors: true });
const toDefs = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"openapi-schemas#/$defs/'));
ajv.addSchema({ $id: 'openapi-schemas', $defs: toDefs(openapi.components.schemas) as object });
const compiled = new Map<string, ValidateFunction>();
const validatorFor = (schema: object): ValidateFunction => {
  const key = JSON.stringify(schema);
  if (!compiled.has(key)) compiled.set(key, ajv.compile(toDefs(schema) as object));
  return compiled.get(key)!;
};

/** An operation's response object for a status, following one #/components/responses reference. */
function documentedResponse(resource: string, method: string, status: number) {
  const response = openapi.paths[resource]?.[method.toLowerCase()]?.responses?.[String(status)];
  if (!response?.$ref) return response;
  return openapi.components.responses[response.$ref.replace('#/components/responses/', '')];
}

describe('lib/api/openapi.json', () => {
  it('is an OpenAPI 3.1 document whose every reference resolves and every schema compiles', () => {
    expect(openapi.openapi).toMatch(/^3\.1\./);
    expect(openapi.components.securitySchemes.apiKey).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }));
    expect(openapi.security).toEqual([{ apiKey: [] }]);
    const refs = [...JSON.stringify(openapi).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]!);
    for (const pointer of refs) expect(pointer.split('/').reduce((node: any, part) => node?.[part], openapi), pointer).toBeDefined();
    for (const [resource, item] of Object.entries<any>(openapi.paths)) {
      for (const method of Object.keys(item).filter((k) => METHODS.includes(k))) {
        const operation = item[method];
        for (const status of Object.keys(operation.responses)) {
          const content = documentedResponse(resource, method, Number(status))?.content;
          // Only a 204 has no content, and only the snippet is not JSON.
          if (status === '204' && content === undefined) continue;
          if (resource === '/v1/snippet.js' && status === '200') {
            expect(Object.keys(content)).toEqual(['text/javascript']);
            continue;
          }
          const schema = content?.['application/json']?.schema;
          expect(schema, `${method} ${resource} ${status}`).toBeDefined();
          validatorFor(schema);
        }
        for (const parameter of operation.parameters ?? []) validatorFor(parameter.schema);
        for (const content of Object.values<any>(operation.requestBody?.content ?? {})) validatorFor(content.schema);
        expect(operation.responses['403'], `${method} ${resource} documents the API key (or, if public, the firewall) refusal`).toBeDefined();
      }
    }
  });

  it('marks the data-subject request, collector and snippet routes public, the visitor-data routes for the rights key; every other route keeps the API key', () => {
    const ownSecurity = Object.entries<any>(openapi.paths).flatMap(([resource, item]) =>
      Object.entries<any>(item).filter(([, operation]) => operation.security !== undefined).map(([method, operation]) => [`${method} ${resource}`, operation.security]),
    );
    expect(new Map(ownSecurity as Array<[string, unknown]>)).toEqual(
      new Map([
        ['post /v1/visitor-data/search', [{ rightsKey: [] }]],
        ['post /v1/visitor-data/erase', [{ rightsKey: [] }]],
        ['post /v1/data-subject-requests', []],
        ['post /v1/collect', []],
        ['get /v1/snippet.js', []],
      ]),
    );
    for (const [resource, method] of [['/v1/data-subject-requests', 'post'], ['/v1/collect', 'post'], ['/v1/snippet.js', 'get']] as const) {
      expect(openapi.paths[resource][method].responses['403'].$ref, resource).toBeUndefined(); // not the API key refusal
    }
  });

  it('states request schemas API Gateway can use as draft-4 models: no $ref, no const', () => {
    for (const name of ['BatchRequest', 'RecordVisitRequest', 'DataSubjectRequest', 'VisitorDataSearchRequest', 'VisitorDataEraseRequest']) {
      expect(JSON.stringify(openapi.components.schemas[name]), name).not.toMatch(/"\$ref"|"const"/);
    }
  });

  it('validates its own examples', () => {
    for (const item of Object.values<any>(openapi.paths)) {
      for (const operation of Object.values<any>(item)) {
        for (const content of Object.values<any>(operation.requestBody?.content ?? {})) {
          if (content.example) expect(validatorFor(content.schema)(content.example)).toBe(true);
        }
      }
    }
    for (const response of Object.values<any>(openapi.components.responses)) {
      const content = response.content['application/json'];
      if (content.example) expect(validatorFor(content.schema)(content.example), JSON.stringify(validatorFor(content.schema).errors)).toBe(true);
    }
  });
});

describe('the handlers against lib/api/openapi.json', () => {
  let table: TestVisitsTable;
  let visits: VisitsApiHarness;
  let visitorData: VisitorDataHarness;
  let topics: ControllerTopics;
  let requests: RequestsHarness;
  let collector: CollectorHarness;
  const enrich = httpApi(
    createEnrichApi({
      enricher: createEnricher(MmdbDatabase.open(testDatabase('GeoIP2-Enterprise-Test'))),
      tenants: TenantDirectory.fromJson(JSON.stringify(TEST_TENANT_KEYS)),
    }),
    createLogger('openapi-test'),
  );
  // A published view for tenant-a only (a fixture: the content is tested in test/compliance).
  const complianceRegister = httpApi(
    createComplianceRegisterApi({
      tenants: TenantDirectory.fromJson(JSON.stringify(TEST_TENANT_KEYS)),
      views: async (tenantId) => (tenantId === 'tenant-a' ? sampleView('tenant-a', 'Tenant A B.V.') : undefined),
    }),
    createLogger('openapi-test'),
  );
  const exercised = new Set<string>();

  beforeAll(async () => {
    table = await createTestVisitsTable();
    visits = visitsApiHarness(table);
    collector = collectorHarness(table);
    topics = await ControllerTopics.start(['tenant-a', 'a', `a${'-'.repeat(30)}b`]);
    visitorData = visitorDataHarness(table, { topicArns: topics.topicArns, sns: topics.sns() });
    // tenant-gone's topic does not exist: SNS refuses the publish, as after a deleted topic.
    requests = await requestsHarness(new Map([...topics.topicArns, ['tenant-gone', 'arn:aws:sns:eu-central-1:000000000000:gone']]), topics.sns());
  });
  afterAll(async () => {
    await topics.stop();
    await table.drop();
  });

  async function call(parts: EventParts): Promise<{ status: number; body: any }> {
    if (parts.resource === '/v1/visits') return visits.call(parts);
    if (parts.resource.startsWith('/v1/visitor-data/')) return visitorData.call(parts);
    if (parts.resource === '/v1/data-subject-requests') return requests.call(parts);
    if (parts.resource === '/v1/compliance/register') return jsonOf(await complianceRegister(proxyEvent(parts), lambdaContext('compliance-register')));
    if (parts.resource === '/v1/collect' || parts.resource === '/v1/snippet.js') return collector.call(parts);
    let result!: Awaited<ReturnType<typeof enrich>>;
    await capturedOutput(async () => {
      result = await enrich(proxyEvent(parts), lambdaContext('enrich'));
    });
    return jsonOf(result);
  }

  /** Calls the handler and checks the answer against the documented response of its status. */
  async function conforming(parts: EventParts) {
    const answer = await call(parts);
    const documented = documentedResponse(parts.resource, parts.method, answer.status);
    expect(documented, `${parts.method} ${parts.resource} → ${answer.status} is documented`).toBeDefined();
    exercised.add(`${parts.method.toLowerCase()} ${parts.resource}`);
    if (!documented.content?.['application/json']) {
      // 204 (no content) or the snippet's JavaScript: the documented type, and nothing else.
      expect(answer.body ?? null, `${parts.method} ${parts.resource} ${answer.status} has no JSON body`).toBeNull();
      return answer;
    }
    const validate = validatorFor(documented.content['application/json'].schema);
    expect(validate(answer.body), `${parts.method} ${parts.resource} ${answer.status}: ${JSON.stringify(validate.errors)}`).toBe(true);
    return answer;
  }

  const get = (ip: string, extra: Partial<EventParts> = {}) => ({ method: 'GET', resource: '/v1/enrich/{ip}', pathParameters: { ip }, ...extra });
  const batch = (body: unknown, extra: Partial<EventParts> = {}) => ({ method: 'POST', resource: '/v1/enrich', body, ...extra });
  const record = (body: unknown, extra: Partial<EventParts> = {}) => ({ method: 'POST', resource: '/v1/visits', body, ...extra });
  const list = (query: Record<string, string> = {}, extra: Partial<EventParts> = {}) => ({ method: 'GET', resource: '/v1/visits', query, ...extra });
  const page = { siteId: 'openapi.example', pageUrl: 'https://openapi.example/' };
  const search = (body: unknown, extra: Partial<EventParts> = {}) => ({ method: 'POST', resource: '/v1/visitor-data/search', body, ...extra });
  const erase = (body: unknown, extra: Partial<EventParts> = {}) => ({ method: 'POST', resource: '/v1/visitor-data/erase', body, ...extra });
  const submit = (body: unknown, extra: Partial<EventParts> = {}) => ({ method: 'POST', resource: '/v1/data-subject-requests', body, apiKeyId: null, ...extra });
  const pageView = { siteKey: SHOP_KEY, pageUrl: 'https://shop.example.com/pricing' };
  const beacon = (body: unknown, headers: Record<string, string> = {}): EventParts => ({
    method: 'POST',
    resource: '/v1/collect',
    apiKeyId: null,
    sourceIp: '81.2.69.161',
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: 'https://shop.example.com', 'User-Agent': BROWSER_USER_AGENT, ...headers },
  });
  const dsr = { tenantId: 'tenant-a', siteId: 'www.a.example', type: 'erasure', message: 'Please erase my data.', contact: { email: 'jane@example.org', name: 'Jane' } };

  it.each<[string, EventParts, number]>([
    ['an enrichment', get('81.2.69.161'), 200],
    ['an IPv6 enrichment', get('2001:480:10::1'), 200],
    ['an unknown address', get('9.9.9.9'), 200],
    ['an invalid IP', get('x'), 400],
    ['a private IP', get('10.0.0.1'), 422],
    ['no API key', get('81.2.69.161', { apiKeyId: null }), 403],
    ['a batch', batch({ ips: ['81.2.69.161', 'x', '10.0.0.1'] }), 200],
    ['a batch too large', batch({ ips: Array(101).fill('81.2.69.161') }), 400],
    ['a batch body too large', batch({ ips: ['x'.repeat(20_000)] }), 413],
    ['a batch as text', batch('{"ips":["81.2.69.161"]}', { headers: { 'Content-Type': 'text/plain' } }), 415],
    ['health', { method: 'GET', resource: '/v1/health' }, 200],
    ['health with a parameter', { method: 'GET', resource: '/v1/health', query: { verbose: '1' } }, 400],
    ['a stored visit', record({ ...page, visitorIp: '214.214.214.218', referrer: 'https://ref.example/' }), 201],
    ['a visit not stored', record({ ...page, visitorIp: '175.16.199.1' }), 200],
    ['a visit with a bad field', record({ ...page, siteId: '' }), 400],
    ['a visit from a private IP', record({ ...page, visitorIp: '192.168.1.1' }), 422],
    ['a visit too large', record({ ...page, referrer: `https://a.example/${'x'.repeat(10_000)}` }), 413],
    ['a visit as text', record('{}', { headers: { 'Content-Type': 'text/plain' } }), 415],
    ['a visit without a key', record(page, { apiKeyId: 'nobody' }), 403],
    ['a listing', list({ siteId: 'openapi.example', limit: '1' }), 200],
    ['a listing with bad parameters', list({ limit: '0' }), 400],
    ['a visitor-data search', search({ ip: '81.2.69.161', limit: 1 }), 200],
    ['a visitor-data search with a bad cursor', search({ ip: '81.2.69.161', cursor: '!' }), 400],
    ['a visitor-data search for a private IP', search({ ip: '10.0.0.1' }), 422],
    ['a visitor-data search too large', search({ ip: '81.2.69.161', cursor: 'x'.repeat(2000) }), 413],
    ['a visitor-data search as text', search('{}', { headers: { 'Content-Type': 'text/plain' } }), 415],
    ['a visitor-data search without a key', search({ ip: '81.2.69.161' }, { apiKeyId: null }), 403],
    ['a visitor-data erasure', erase({ ip: '214.214.214.218' }), 200],
    ['a visitor-data erasure of an invalid IP', erase({ ip: 'x' }), 400],
    ['a visitor-data erasure of a private IP', erase({ ip: '192.168.0.1' }), 422],
    ['a visitor-data erasure too large', erase({ ip: 'x'.repeat(2000) }), 413],
    ['a visitor-data erasure as text', erase('{}', { headers: { 'Content-Type': 'text/plain' } }), 415],
    ['a visitor-data erasure with an unknown key', erase({ ip: '81.2.69.161' }, { apiKeyId: 'nobody' }), 403],
    ['a data-subject request', submit(dsr), 202],
    ['a data-subject request with a bad field', submit({ ...dsr, type: 'x' }), 400],
    ['a data-subject request for an unknown tenant', submit({ ...dsr, tenantId: 'nobody' }), 202],
    ['a data-subject request too large', submit({ ...dsr, message: 'x'.repeat(40_000) }), 413],
    ['a data-subject request as a form', submit('type=access', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 415],
    ['a data-subject request that cannot be forwarded', submit({ ...dsr, tenantId: 'tenant-gone' }), 503],
    ['a register view', { method: 'GET', resource: '/v1/compliance/register' }, 200],
    ['a register view not published yet', { method: 'GET', resource: '/v1/compliance/register', apiKeyId: 'key-tenant-b' }, 404],
    ['a register view in an unknown format', { method: 'GET', resource: '/v1/compliance/register', query: { format: 'pdf' } }, 400],
    ['a register view without a key', { method: 'GET', resource: '/v1/compliance/register', apiKeyId: null }, 403],
    ['a page view', beacon(pageView), 204],
    ['a page view from a foreign origin', beacon(pageView, { Origin: 'https://evil.example' }), 403],
    ['a page view off the site', beacon({ ...pageView, pageUrl: 'https://evil.example/' }), 400],
    ['a page view too large', beacon({ ...pageView, referrer: `https://a.example/${'x'.repeat(10_000)}` }), 413],
    ['a page view as JSON', beacon(pageView, { 'Content-Type': 'application/json' }), 415],
    ['a page view from a private address', { ...beacon(pageView), sourceIp: '10.0.0.1' }, 422],
    ['the snippet', { method: 'GET', resource: '/v1/snippet.js', apiKeyId: null }, 200],
    ['an old snippet version', { method: 'GET', resource: '/v1/snippet.js', apiKeyId: null, query: { v: 'old' } }, 404],
    ['the snippet with a parameter', { method: 'GET', resource: '/v1/snippet.js', apiKeyId: null, query: { x: '1' } }, 400],
  ])('%s conforms (%#)', async (_, parts, status) => {
    expect((await conforming(parts)).status).toBe(status);
  });

  it('a visitor-data search page with a cursor conforms', async () => {
    await conforming(record({ ...page, visitorIp: '81.2.69.161' }));
    const first = await conforming(search({ ip: '81.2.69.161', limit: 1 }));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect((await conforming(search({ ip: '81.2.69.161', cursor: first.body.nextCursor }))).status).toBe(200);
  });

  it('a listing page with a cursor conforms', async () => {
    await conforming(record({ ...page, visitorIp: '81.2.69.161' }));
    await conforming(record({ ...page, visitorIp: '214.214.214.218' }));
    visits.now = new Date(visits.now.getTime() + 1000); // `to` (now) is exclusive
    const first = await conforming(list({ siteId: 'openapi.example', limit: '1' }));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect((await conforming(list({ cursor: first.body.nextCursor }))).status).toBe(200);
  });

  it('every documented operation was exercised above', () => {
    const documented = Object.entries<any>(openapi.paths).flatMap(([resource, item]) =>
      Object.keys(item).filter((k) => METHODS.includes(k)).map((method) => `${method} ${resource}`),
    );
    expect([...exercised].sort()).toEqual(documented.sort());
  });

  describe('request schemas accept what the handlers accept and refuse what they refuse', () => {
    const requestSchema = (resource: string) => validatorFor(openapi.paths[resource].post.requestBody.content['application/json'].schema);

    it.each<[string, unknown]>([
      ['one address', { ips: ['81.2.69.161'] }],
      ['100 addresses', { ips: Array(100).fill('81.2.69.161') }],
      ['a string that is not an address (fails alone, in its entry)', { ips: ['x'] }],
      ['101 addresses', { ips: Array(101).fill('81.2.69.161') }],
      ['no addresses', { ips: [] }],
      ['no ips', {}],
      ['ips as a string', { ips: '81.2.69.161' }],
      ['a number', { ips: [1] }],
      ['an unknown field', { ips: ['81.2.69.161'], x: 1 }],
      ['an array', ['81.2.69.161']],
      ['null', null],
    ])('POST /v1/enrich: %s', async (_, body) => {
      const { status } = await call(batch(body === null ? 'null' : body));
      expect(status === 200, `handler answered ${status}`).toBe(requestSchema('/v1/enrich')(body));
    });

    it.each<[string, Record<string, unknown>]>([
      ['the minimum', { siteId: 'a', pageUrl: 'https://a.example/' }],
      ['every field', { siteId: 'shop.example.com', pageUrl: 'http://a.example:8080/x?y#z', referrer: 'https://b.example/', visitorIp: '175.16.199.1' }],
      ['an empty referrer', { ...page, referrer: '' }],
      ['a null referrer and visitorIp', { ...page, referrer: null, visitorIp: null }],
      ['an upper-case scheme', { ...page, pageUrl: 'HTTPS://A.EXAMPLE/' }],
      ['a 100-character site id', { ...page, siteId: 'a'.repeat(100) }],
      ['a site id with : _ - .', { ...page, siteId: 'a:b_c-d.e' }],
      ['no siteId', { pageUrl: page.pageUrl }],
      ['no pageUrl', { siteId: page.siteId }],
      ['an unknown field', { ...page, email: 'x@example.org' }],
      ['an empty site id', { ...page, siteId: '' }],
      ['a site id with a space', { ...page, siteId: 'a b' }],
      ['a site id starting with a dash', { ...page, siteId: '-a' }],
      ['a 101-character site id', { ...page, siteId: 'a'.repeat(101) }],
      ['an ftp pageUrl', { ...page, pageUrl: 'ftp://a.example/' }],
      ['a relative pageUrl', { ...page, pageUrl: '/pricing' }],
      ['a pageUrl with a space', { ...page, pageUrl: 'https://a.example/a b' }],
      ['a pageUrl with leading space', { ...page, pageUrl: ' https://a.example/' }],
      ['a pageUrl over 2048 characters', { ...page, pageUrl: `https://a.example/${'x'.repeat(2040)}` }],
      ['a pageUrl that is a number', { ...page, pageUrl: 5 }],
      ['a referrer that is not a URL', { ...page, referrer: 'x' }],
      ['a visitorIp that is a number', { ...page, visitorIp: 5 }],
    ])('POST /v1/visits: %s', async (_, body) => {
      const { status } = await call(record(body, { sourceIp: '175.16.199.1' }));
      expect(status < 300, `handler answered ${status}`).toBe(requestSchema('/v1/visits')(body));
    });

    it.each<[string, unknown]>([
      ['the minimum', { ip: '81.2.69.161' }],
      ['every field', { ip: '2001:480:10::1', limit: 100, cursor: Buffer.from('VISIT#2025-01-01T00:00:00.000Z#a').toString('base64url') }],
      ['an IPv4-mapped address', { ip: '::ffff:81.2.69.161', limit: 1 }],
      ['a page size of 1.0', { ip: '81.2.69.161', limit: 1.0 }],
      ['no ip', { limit: 5 }],
      ['an ip that is a number', { ip: 81 }],
      ['a null ip', { ip: null }],
      ['a page size of 0', { ip: '81.2.69.161', limit: 0 }],
      ['a page size of 101', { ip: '81.2.69.161', limit: 101 }],
      ['a page size as text', { ip: '81.2.69.161', limit: '5' }],
      ['a fractional page size', { ip: '81.2.69.161', limit: 2.5 }],
      ['a cursor that is a number', { ip: '81.2.69.161', cursor: 5 }],
      ['a cursor that is not base64url', { ip: '81.2.69.161', cursor: 'a/b' }],
      ['an empty cursor', { ip: '81.2.69.161', cursor: '' }],
      ['a cursor of 257 characters', { ip: '81.2.69.161', cursor: 'a'.repeat(257) }],
      ['an unknown field', { ip: '81.2.69.161', tenantId: 'tenant-b' }],
      ['an array', ['81.2.69.161']],
      ['no request reference', { ip: '81.2.69.161', requestReference: undefined }],
      ['a request reference of 2 characters', { ip: '81.2.69.161', requestReference: 'ab' }],
      ['a request reference with a space', { ip: '81.2.69.161', requestReference: 'DSR 1' }],
    ])('POST /v1/visitor-data/search: %s', async (_, body) => {
      const { status } = await call(search(body));
      expect(status === 200, `handler answered ${status}`).toBe(requestSchema('/v1/visitor-data/search')(withReference(body)));
    });

    it.each<[string, unknown]>([
      ['an address', { ip: '214.214.214.218' }],
      ['an IPv6 address', { ip: '2001:480:10::1' }],
      ['no ip', {}],
      ['an ip that is a number', { ip: 1 }],
      ['an ip in a list', { ip: ['81.2.69.161'] }],
      ['a page size', { ip: '81.2.69.161', limit: 1 }],
      ['a cursor', { ip: '81.2.69.161', cursor: 'abc' }],
      ['a string', '81.2.69.161'],
    ])('POST /v1/visitor-data/erase: %s', async (_, body) => {
      const { status } = await call(erase(body));
      expect(status === 200, `handler answered ${status}`).toBe(requestSchema('/v1/visitor-data/erase')(withReference(body)));
    });

    const contact = (fields: Record<string, unknown>) => ({ ...dsr, contact: fields });
    it.each<[string, unknown]>([
      ['every field', dsr],
      ['the minimum', { tenantId: 'a', type: 'other', message: '?', contact: { email: 'a@b.co' } }],
      ['a null site and name', { ...dsr, siteId: null, contact: { email: 'jane@example.org', name: null } }],
      ['every type', { ...dsr, type: 'portability' }],
      ['a 32-character tenant id', { ...dsr, tenantId: `a${'-'.repeat(30)}b` }],
      ['2000 characters', { ...dsr, message: 'x'.repeat(2000) }],
      ['2000 emoji (4 bytes, 2 UTF-16 units each)', { ...dsr, message: '😀'.repeat(2000) }],
      ['line breaks and tabs', { ...dsr, message: 'a\r\n\tb' }],
      ['a plus-addressed e-mail', contact({ email: 'jane+dsr@mail.example.co.uk' })],
      ['an internationalised domain in punycode', contact({ email: 'jane@xn--bcher-kva.example' })],
      ['no tenantId', { ...dsr, tenantId: undefined }],
      ['a 33-character tenant id', { ...dsr, tenantId: 'a'.repeat(33) }],
      ['a tenant id ending in a dash', { ...dsr, tenantId: 'acme-' }],
      ['a tenant id with capitals', { ...dsr, tenantId: 'Acme' }],
      ['an empty site id', { ...dsr, siteId: '' }],
      ['an unknown type', { ...dsr, type: 'forget-me' }],
      ['a type in capitals', { ...dsr, type: 'ACCESS' }],
      ['an empty message', { ...dsr, message: '' }],
      ['a blank message', { ...dsr, message: '   ' }],
      ['2001 characters', { ...dsr, message: 'x'.repeat(2001) }],
      ['2001 emoji', { ...dsr, message: '😀'.repeat(2001) }],
      ['a vertical tab', { ...dsr, message: 'a\u000bb' }],
      ['a DEL character', { ...dsr, message: 'a\u007fb' }],
      ['no contact', { ...dsr, contact: undefined }],
      ['contact without e-mail', contact({ name: 'Jane' })],
      ['an e-mail without a domain dot', contact({ email: 'jane@localhost' })],
      ['an e-mail with a numeric top-level domain', contact({ email: 'jane@10.0.0.1' })],
      ['an e-mail address literal', contact({ email: 'jane@[10.0.0.1]' })],
      ['an e-mail with two @', contact({ email: 'jane@doe@example.org' })],
      ['an e-mail with a quoted local part', contact({ email: '"jane doe"@example.org' })],
      ['an e-mail label ending in a dash', contact({ email: 'jane@example-.org' })],
      ['an e-mail of 255 characters', contact({ email: `${'j'.repeat(64)}@${'e'.repeat(63)}.${'e'.repeat(63)}.${'e'.repeat(55)}.org` })],
      ['an empty name', contact({ email: 'jane@example.org', name: '' })],
      ['a name with a tab', contact({ email: 'jane@example.org', name: 'Jane\tDoe' })],
      ['a name of 201 characters', contact({ email: 'jane@example.org', name: 'J'.repeat(201) })],
      ['an unknown contact field', contact({ email: 'jane@example.org', phone: '0' })],
      ['an unknown field', { ...dsr, sourceIp: '81.2.69.161' }],
      ['an array', [dsr]],
    ])('POST /v1/data-subject-requests: %s', async (_, body) => {
      const { status } = await call(submit(body));
      expect(status === 202, `handler answered ${status}`).toBe(requestSchema('/v1/data-subject-requests')(body));
    });

    it.each<[string, unknown, number, string]>([
      ['an address that does not parse', { ip: '81.2.69' }, 400, 'INVALID_IP'],
      ['a private address', { ip: '10.0.0.1' }, 422, 'NOT_PUBLIC_ADDRESS'],
      ['a cursor of another kind', { ip: '81.2.69.161', cursor: 'abc' }, 400, 'INVALID_CURSOR'],
    ])('POST /v1/visitor-data/search: %s is well-formed for the schema; only the handler can refuse it (%s)', async (_, body, status, code) => {
      expect(requestSchema('/v1/visitor-data/search')(withReference(body))).toBe(true);
      expect(await call(search(body))).toMatchObject({ status, body: { error: { code } } });
    });

    it('POST /v1/data-subject-requests: an unknown tenant is well-formed for the schema and answered like a known one', async () => {
      const body = { ...dsr, tenantId: 'no-such-tenant' };
      expect(requestSchema('/v1/data-subject-requests')(body)).toBe(true);
      expect(await call(submit(body))).toMatchObject({ status: 202, body: { status: 'FORWARDED' } });
    });

    const parameterSchema = (name: string) =>
      validatorFor(openapi.paths['/v1/visits'].get.parameters.find((p: { name: string }) => p.name === name).schema);
    /** Query values arrive as strings; an integer parameter's value is the number a plain decimal string spells. */
    const asQueryValue = (name: string, value: string) =>
      openapi.paths['/v1/visits'].get.parameters.find((p: { name: string }) => p.name === name).schema.type === 'integer' && /^-?\d+(\.\d+)?$/.test(value)
        ? Number(value)
        : value;

    it.each<[string, string]>([
      ['limit', '1'], ['limit', '50'], ['limit', '100'], ['limit', '0'], ['limit', '101'], ['limit', '-1'], ['limit', '1.5'], ['limit', 'ten'], ['limit', ''],
      ['from', '2025-01-01'], ['from', '2025-01-01T10:00Z'], ['from', '2025-01-01T10:00:00.123+02:00'], ['from', '2025-01-01T10:00:00'],
      ['from', 'yesterday'], ['from', '2025-1-1'], ['from', '2025-01-01t10:00:00z'], ['from', ''],
      ['to', '2030-01-01T00:00:00Z'], ['to', '2030-01-01 00:00:00Z'],
      ['siteId', 'a.example'], ['siteId', 'not a site'], ['siteId', ''],
    ])('GET /v1/visits: %s=%j', async (name, value) => {
      const { status } = await call(list({ [name]: value }));
      expect(status === 200, `handler answered ${status}`).toBe(parameterSchema(name)(asQueryValue(name, value)));
    });

    it.each<[string, string, string]>([
      ['from', '2025-02-30', 'INVALID_PARAMETER'],
      ['from', '2025-01-01T24:00:00Z', 'INVALID_PARAMETER'],
      ['cursor', 'not-a-cursor', 'INVALID_CURSOR'],
    ])('GET /v1/visits: %s=%j is well-formed for the schema; only the handler can refuse it (%s)', async (name, value, code) => {
      expect(parameterSchema(name)(value)).toBe(true);
      expect(await call(list({ [name]: value }))).toMatchObject({ status: 400, body: { error: { code } } });
    });
  });
});
