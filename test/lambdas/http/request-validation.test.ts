import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_VALIDATORS_PATH, generatedValidatorsSource } from '../../../tools/api/build-validators.js';
import openapi from '../../../lib/api/openapi.json' with { type: 'json' };
import { API_ROUTES } from '../../../lib/api/routes.js';
import { HttpError } from '../../../lambdas/shared/http/http-error.js';
import { validBody, validQuery } from '../../../lambdas/shared/http/request-validation.js';
import { proxyEvent, type EventParts } from '../../support/api-gateway-events.js';

const LIMIT = 16 * 1024;

function refusal(check: () => unknown): { status: number; code: string; message: string; details?: Record<string, unknown> } {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    const { statusCode, code, message, details } = error as HttpError;
    return { status: statusCode, code, message, details };
  }
  throw new Error('expected a refusal');
}

const body = (resource: string, value: unknown, headers?: Record<string, string>) => validBody(proxyEvent({ method: 'POST', resource, body: value, headers }), LIMIT);
const query = (method: string, resource: string, values: EventParts['query']) => validQuery(proxyEvent({ method, resource, query: values }));

const VALID_REQUEST = {
  tenantId: 'acme',
  type: 'access',
  message: 'Which visits of mine do you hold?',
  contact: { email: 'jane@example.org', name: 'Jane' },
};

describe('the precompiled validators', () => {
  it('are generated from the current lib/api/openapi.json and route manifest (else run: npx tsx tools/api/build-validators.ts)', () => {
    expect(readFileSync(GENERATED_VALIDATORS_PATH, 'utf8') === generatedValidatorsSource()).toBe(true);
  });
});

describe('request bodies, validated with the OpenAPI schema of the route (the gateway model)', () => {
  it('accepts the example body every documented route gives', () => {
    for (const route of API_ROUTES.filter((candidate) => candidate.requestSchema)) {
      const operation = (openapi.paths as any)[route.path]?.[route.method.toLowerCase()];
      const example = operation?.requestBody?.content?.['application/json']?.example;
      if (example === undefined) continue;
      expect(body(route.path, example), `${route.method} ${route.path}`).toEqual(example);
    }
  });

  it.each([
    ['not an object', '/v1/visits', [1], 400, 'INVALID_BODY', undefined],
    ['an unknown field', '/v1/visits', { siteId: 'shop', pageUrl: 'https://a.example/', lang: 'de' }, 400, 'UNKNOWN_FIELD', { field: 'lang' }],
    ['a missing field', '/v1/visits', { siteId: 'shop' }, 400, 'MISSING_FIELD', { field: 'pageUrl' }],
    ['a field against its pattern', '/v1/visits', { siteId: '-shop', pageUrl: 'https://a.example/' }, 400, 'INVALID_FIELD', { field: 'siteId' }],
    ['a visitor address of the wrong type', '/v1/visits', { siteId: 'shop', pageUrl: 'https://a.example/', visitorIp: 7 }, 400, 'INVALID_IP', { field: 'visitorIp' }],
    ['a nested object of the wrong type', '/v1/data-subject-requests', { ...VALID_REQUEST, contact: 'jane@example.org' }, 400, 'INVALID_BODY', { field: 'contact' }],
    ['a nested unknown field', '/v1/data-subject-requests', { ...VALID_REQUEST, contact: { email: 'jane@example.org', phone: '1' } }, 400, 'UNKNOWN_FIELD', { field: 'contact.phone' }],
    ['a nested missing field', '/v1/data-subject-requests', { ...VALID_REQUEST, contact: {} }, 400, 'MISSING_FIELD', { field: 'contact.email' }],
    ['a message of 2001 characters', '/v1/data-subject-requests', { ...VALID_REQUEST, message: '😀'.repeat(2001) }, 400, 'INVALID_FIELD', { field: 'message' }],
    ['a batch of 101', '/v1/enrich', { ips: Array.from({ length: 101 }, () => '81.2.69.160') }, 400, 'BATCH_TOO_LARGE', { field: 'ips', maxItems: 100 }],
    ['a batch entry that is not text', '/v1/enrich', { ips: ['81.2.69.160', 7] }, 400, 'INVALID_BODY', { field: 'ips[1]' }],
  ])('refuses %s', (_, resource, value, status, code, details) => {
    expect(refusal(() => body(resource, value))).toMatchObject({ status, code, details });
  });

  it('ranks the problems: the shape, then unknown fields, then missing ones, then malformed values', () => {
    expect(refusal(() => body('/v1/visits', { siteId: '-', extra: 1 })).code).toBe('UNKNOWN_FIELD');
    expect(refusal(() => body('/v1/visits', { siteId: '-' })).code).toBe('MISSING_FIELD');
  });

  it.each([
    ['81.2.69.99', '[redacted-ip]'],
    ['2001:db8::99', '[redacted-ip]'],
    ['from 81.2.69.99 with love', 'from [redacted-ip] with love'],
  ])('never echoes an unknown field named %j: it is redacted like every other text', (name, echoed) => {
    for (const [resource, valid] of [
      ['/v1/enrich', { ips: ['81.2.69.160'] }],
      ['/v1/visits', { siteId: 'shop', pageUrl: 'https://a.example/' }],
      ['/v1/visitor-data/erase', { ip: '81.2.69.160' }],
      ['/v1/data-subject-requests', VALID_REQUEST],
    ] as const) {
      const refused = refusal(() => body(resource, { ...valid, [name]: 1 }));
      expect(refused, resource).toMatchObject({ code: 'UNKNOWN_FIELD', details: { field: echoed } });
      expect(JSON.stringify(refused), resource).not.toMatch(/81\.2\.69\.99|2001:db8::99/);
    }
    const nested = refusal(() => body('/v1/data-subject-requests', { ...VALID_REQUEST, contact: { email: 'jane@example.org', [name]: 1 } }));
    expect(nested.details).toEqual({ field: `contact.${echoed}` });
  });

  it('refuses with 415 every content type but application/json, whose body the gateway would not have checked', () => {
    for (const type of ['text/plain', 'application/vnd.api+json', 'application/merge-patch+json', 'application/jsonx', 'application/x-www-form-urlencoded', '']) {
      expect(refusal(() => body('/v1/visitor-data/erase', { ip: '81.2.69.160' }, { 'Content-Type': type })), type).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
    for (const type of ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON']) {
      expect(body('/v1/visitor-data/erase', { ip: '81.2.69.160' }, { 'Content-Type': type }), type).toEqual({ ip: '81.2.69.160' });
    }
  });
});

describe('query strings, validated with the documented parameters of the route', () => {
  it('returns the documented parameters, an integer as a number', () => {
    expect(query('GET', '/v1/visits', { siteId: 'shop', limit: '20', from: '2026-01-01' })).toEqual({ siteId: 'shop', limit: 20, from: '2026-01-01' });
    expect(query('GET', '/v1/health', {})).toEqual({});
  });

  it.each([
    [{ limit: '0' }, 'INVALID_PARAMETER', 'limit'],
    [{ limit: '1.5' }, 'INVALID_PARAMETER', 'limit'],
    [{ limit: '1e1' }, 'INVALID_PARAMETER', 'limit'],
    [{ limit: ' 5' }, 'INVALID_PARAMETER', 'limit'],
    [{ siteId: '-x' }, 'INVALID_PARAMETER', 'siteId'],
    [{ cursor: 'x'.repeat(1025) }, 'INVALID_CURSOR', 'cursor'],
    [{ siteId: ['a', 'b'] }, 'INVALID_PARAMETER', 'siteId'],
    [{ lang: 'de' }, 'UNKNOWN_PARAMETER', 'lang'],
    [{ __proto__: 'x' }, 'UNKNOWN_PARAMETER', '__proto__'],
    [{ toString: '1' }, 'UNKNOWN_PARAMETER', 'toString'],
  ])('refuses %j on GET /v1/visits with %s', (values, code, parameter) => {
    const parts = Object.create(null) as Record<string, string | string[]>;
    for (const [name, value] of Object.entries(values)) parts[name] = value;
    // `{ __proto__: 'x' }` as a literal sets no key; write the one a query string would carry.
    if (!Object.keys(values).length) parts.__proto__ = 'x';
    expect(refusal(() => query('GET', '/v1/visits', parts))).toMatchObject({ status: 400, code, details: { parameter } });
  });

  it('never echoes a parameter named after an address', () => {
    const refused = refusal(() => query('GET', '/v1/health', { '81.2.69.99': '1' }));
    expect(refused).toMatchObject({ code: 'UNKNOWN_PARAMETER', details: { parameter: '[redacted-ip]' } });
    expect(JSON.stringify(refused)).not.toContain('81.2.69.99');
  });
});
