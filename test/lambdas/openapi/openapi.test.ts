import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
          const schema = documentedResponse(resource, method, Number(status))?.content?.['application/json']?.schema;
          expect(schema, `${method} ${resource} ${status}`).toBeDefined();
          validatorFor(schema);
        }
        for (const parameter of operation.parameters ?? []) validatorFor(parameter.schema);
        if (operation.requestBody) validatorFor(operation.requestBody.content['application/json'].schema);
        expect(operation.responses['403'], `${method} ${resource} documents the API key refusal`).toBeDefined();
      }
    }
  });

  it('validates its own examples', () => {
    for (const item of Object.values<any>(openapi.paths)) {
      for (const operation of Object.values<any>(item)) {
        const content = operation.requestBody?.content?.['application/json'];
        if (content?.example) expect(validatorFor(content.schema)(content.example)).toBe(true);
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
  const enrich = httpApi(
    createEnrichApi({
      enricher: createEnricher(MmdbDatabase.open(testDatabase('GeoIP2-Enterprise-Test'))),
      tenants: TenantDirectory.fromJson(JSON.stringify(TEST_TENANT_KEYS)),
    }),
    createLogger('openapi-test'),
  );
  const exercised = new Set<string>();

  beforeAll(async () => {
    table = await createTestVisitsTable();
    visits = visitsApiHarness(table);
  });
  afterAll(async () => {
    await table.drop();
  });

  async function call(parts: EventParts): Promise<{ status: number; body: any }> {
    if (parts.resource === '/v1/visits') return visits.call(parts);
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
    const validate = validatorFor(documented.content['application/json'].schema);
    expect(validate(answer.body), `${parts.method} ${parts.resource} ${answer.status}: ${JSON.stringify(validate.errors)}`).toBe(true);
    exercised.add(`${parts.method.toLowerCase()} ${parts.resource}`);
    return answer;
  }

  const get = (ip: string, extra: Partial<EventParts> = {}) => ({ method: 'GET', resource: '/v1/enrich/{ip}', pathParameters: { ip }, ...extra });
  const batch = (body: unknown, extra: Partial<EventParts> = {}) => ({ method: 'POST', resource: '/v1/enrich', body, ...extra });
  const record = (body: unknown, extra: Partial<EventParts> = {}) => ({ method: 'POST', resource: '/v1/visits', body, ...extra });
  const list = (query: Record<string, string> = {}, extra: Partial<EventParts> = {}) => ({ method: 'GET', resource: '/v1/visits', query, ...extra });
  const page = { siteId: 'openapi.example', pageUrl: 'https://openapi.example/' };

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
  ])('%s conforms (%#)', async (_, parts, status) => {
    expect((await conforming(parts)).status).toBe(status);
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
