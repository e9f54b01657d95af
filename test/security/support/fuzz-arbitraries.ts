import fc from 'fast-check';
import type { EventParts } from '../../support/api-gateway-events.js';
import { TENANT_A, TENANT_B, type RouteSample } from './in-process-api.js';
import { resolveRef, type DocumentedOperation } from './route-catalog.js';

/**
 * Request generators for property-based tests of a route, driven by its OpenAPI operation: values
 * that follow the documented schemas (so requests get past the first check and reach deeper code),
 * mutated and mixed with hostile input: wrong types, unknown and prototype-polluting keys, random
 * text, bytes, huge strings, deep nesting, base64 flags, garbage headers and identities.
 */

/** `arbitrary` in `weight` of `weight + otherwise` cases, else null. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, weight: number, otherwise: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: otherwise, arbitrary: fc.constant(null) }, { weight, arbitrary });

/** Addresses the test database knows as organisations (stored as visits), public ones it does not know, and non-public ones. */
const KNOWN_ADDRESSES = ['81.2.69.161', '214.214.214.218', '2001:480:10::1', '::ffff:81.2.69.161', '89.160.20.129', '1.1.1.1', '10.0.0.1', 'fd00::1'];

const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', ' ', '\u0000', '\uFEFF', '%00', '%3A%3A1', '../../etc/passwd', '${jndi:ldap://x}', '<script>', "' OR 1=1 --", '\ud800', 'NaN', '-1', '1e309'),
  fc.nat({ max: 70_000 }).map((length) => 'A'.repeat(length)),
);

const ipLike = fc.oneof(
  fc.constantFrom(...KNOWN_ADDRESSES),
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4Extended(),
  fc.ipV6().map((ip) => ip.toUpperCase()),
  fc.ipV4().map((ip) => `::ffff:${ip}`),
  fc.ipV6().map((ip) => `${ip}%eth0`),
  fc.constantFrom('127.0.0.1', '::1', '::', '0.0.0.0', '255.255.255.255', '1.2.3', '1.2.3.4.5', '010.0.0.1', '[::1]', '::ffff:81.2.69.161'),
  anyText,
);

/** Any JSON value, with prototype-polluting keys among the object keys. */
const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, ''),
    fc.string(),
    ipLike,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom(...POLLUTING_KEYS)), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** A value for a JSON schema: mostly valid for it, sometimes of another type or out of range. */
export function schemaValue(schema: any, depth = 0): fc.Arbitrary<unknown> {
  const s = resolveRef(schema) ?? {};
  const wrong = depth > 3 ? fc.constant(null) : jsonValue;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((alternative: any) => schemaValue(alternative, depth + 1)), wrong);
  if (s.enum) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...s.enum) }, { weight: 1, arbitrary: wrong });
  const types: string[] = [s.type ?? 'string'].flat();
  return fc.oneof(
    { weight: 4, arbitrary: fc.oneof(...types.map((type) => valueOfType(type, s, depth))) },
    { weight: 1, arbitrary: wrong },
  );
}

function valueOfType(type: string, s: any, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.oneof(fc.integer({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6 }), fc.integer());
    case 'number':
      return fc.double();
    case 'array':
      return fc.array(schemaValue(s.items ?? {}, depth + 1), { maxLength: Math.min(s.maxItems ?? 5, 120) });
    case 'object':
      return objectFor(s, depth);
    default:
      return stringFor(s);
  }
}

function stringFor(s: any): fc.Arbitrary<string> {
  const patterns = [s.pattern, ...(s.allOf ?? []).map((part: any) => part.pattern)].filter(Boolean);
  const valid = patterns.length > 0 ? fc.stringMatching(new RegExp(patterns[0])) : fc.string({ maxLength: s.maxLength ?? 100 });
  const fitting = s.maxLength ? valid.filter((text) => text.length <= s.maxLength) : valid;
  return fc.oneof({ weight: 3, arbitrary: fitting }, { weight: 1, arbitrary: ipLike }, { weight: 1, arbitrary: anyText });
}

function objectFor(s: any, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties: Record<string, any> = s.properties ?? {};
  const required: string[] = s.required ?? [];
  const known = fc.record(
    Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, schemaValue(property, depth + 1)])),
    { requiredKeys: required.filter((name) => name in properties) },
  );
  const extra = fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...POLLUTING_KEYS)), jsonValue, { maxKeys: 2 });
  return fc
    .tuple(known, fc.option(extra, { freq: 4 }), fc.subarray(Object.keys(properties)))
    .map(([values, added, dropped]) => {
      const object: Record<string, unknown> = { ...values };
      for (const name of dropped.slice(0, 1)) delete object[name];
      for (const [key, value] of Object.entries(added ?? {})) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      return object;
    });
}

/** A request body as the wire carries it: text, with the base64 flag API Gateway sets for binary media. */
export interface WireBody {
  readonly body: string | undefined;
  readonly isBase64Encoded: boolean;
}

function bodyFor(operation: any): fc.Arbitrary<WireBody> {
  const schema = operation?.requestBody?.content?.['application/json']?.schema;
  const example = operation?.requestBody?.content?.['application/json']?.example;
  const text = (value: unknown) => ({ body: JSON.stringify(value), isBase64Encoded: false });
  const deep = fc.nat({ max: 20_000 }).map((depth) => ({ body: `${'['.repeat(depth)}${']'.repeat(depth)}`, isBase64Encoded: false }));
  const deepObject = fc.nat({ max: 5_000 }).map((depth) => ({ body: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, isBase64Encoded: false }));
  return fc.oneof(
    ...(schema ? [{ weight: 6, arbitrary: schemaValue(schema).map(text) }] : []),
    ...(example ? [{ weight: 2, arbitrary: fc.constant(text(example)) }] : []),
    { weight: 2, arbitrary: jsonValue.map(text) },
    { weight: 1, arbitrary: anyText.map((body) => ({ body, isBase64Encoded: false })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((bytes) => ({ body: Buffer.from(bytes).toString('base64'), isBase64Encoded: true })) },
    { weight: 1, arbitrary: (schema ? schemaValue(schema) : jsonValue).map((value) => ({ body: Buffer.from(JSON.stringify(value) ?? '').toString('base64'), isBase64Encoded: true })) },
    { weight: 1, arbitrary: anyText.map((body) => ({ body, isBase64Encoded: true })) },
    { weight: 1, arbitrary: fc.oneof(deep, deepObject) },
    { weight: 1, arbitrary: fc.constantFrom<WireBody>({ body: undefined, isBase64Encoded: false }, { body: '', isBase64Encoded: false }, { body: 'null', isBase64Encoded: false }, { body: '{"__proto__":{"polluted":true}}', isBase64Encoded: false }, { body: '{"constructor":{"prototype":{"polluted":true}}}', isBase64Encoded: false }) },
  );
}

function queryFor(operation: any): fc.Arbitrary<Record<string, string | string[]>> {
  const parameters = (operation?.parameters ?? []).map(resolveRef).filter((p: any) => p.in === 'query');
  const documented = fc.record(
    Object.fromEntries(parameters.map((p: any) => [p.name, schemaValue(p.schema).map((value) => (typeof value === 'string' ? value : JSON.stringify(value) ?? ''))])),
    { requiredKeys: [] },
  );
  const extra = fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...POLLUTING_KEYS, 'tenant', 'tenantId')), fc.oneof(fc.string(), fc.array(fc.string(), { minLength: 2, maxLength: 3 })), { maxKeys: 2 });
  return fc.tuple(documented, sometimes(extra, 1, 4)).map(([values, added]) => {
    const query: Record<string, string | string[]> = { ...(values as Record<string, string>) };
    for (const [key, value] of Object.entries(added ?? {})) Object.defineProperty(query, key, { value, enumerable: true, writable: true, configurable: true });
    return query;
  });
}

function pathParametersFor(resource: string, operation: any): fc.Arbitrary<Record<string, string>> {
  const names = [...resource.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const documented = new Map<string, any>((operation?.parameters ?? []).map(resolveRef).filter((p: any) => p.in === 'path').map((p: any) => [p.name, p.schema]));
  return fc.record(Object.fromEntries(names.map((name) => [name, fc.oneof(ipLike, documented.has(name) ? stringFor(documented.get(name)) : anyText)])));
}

const headers = fc
  .tuple(
    sometimes(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/vnd.api+json', 'application/jsonx', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', ';', 'application/json; charset=latin1'), 1, 3),
    sometimes(fc.oneof(fc.string(), fc.constantFrom(TENANT_A.apiKeyId, TENANT_B.apiKeyId, 'x'.repeat(10_000))), 1, 1),
    fc.dictionary(
      fc.oneof(fc.constantFrom('x-forwarded-for', 'forwarded', 'x-real-ip', 'X-Forwarded-For', 'content-length', 'transfer-encoding', 'x-tenant-id', 'x-amzn-apigateway-api-key-id', ...POLLUTING_KEYS), fc.string({ minLength: 1, maxLength: 20 })),
      fc.oneof(ipLike, fc.string()),
      { maxKeys: 4 },
    ),
  )
  .map(([contentType, apiKey, others]) => {
    const result: Record<string, string> = {};
    for (const [key, value] of Object.entries(others)) Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
    if (contentType !== null) result['Content-Type'] = contentType;
    if (apiKey !== null) result['x-api-key'] = apiKey;
    return result;
  });

const apiKeyId = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<string | null>(TENANT_A.apiKeyId, TENANT_B.apiKeyId) },
  { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.string(), fc.constantFrom(...POLLUTING_KEYS, TENANT_A.tenantId, 'KEY-TENANT-A')) },
);

export interface FuzzedRequest {
  readonly parts: EventParts;
  readonly isBase64Encoded: boolean;
  /** API Gateway sends `headers: null` for a request without headers. */
  readonly nullHeaders: boolean;
}

/** A request to one route: documented shape by default, every part of it open to hostile values. */
export function requestTo(route: DocumentedOperation | { key: string; method: string; resource: string; operation?: undefined }, example: (sample: RouteSample) => EventParts): fc.Arbitrary<FuzzedRequest> {
  const { method, resource, operation } = route;
  const sample = fc.record({
    ip: ipLike,
    siteId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/), anyText),
    pageUrl: fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), anyText),
  });
  return fc
    .record({
      base: sample.map(example),
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'get', '') }),
      pathParameters: pathParametersFor(resource, operation),
      query: sometimes(queryFor(operation), 1, 1),
      body: sometimes(bodyFor(operation), 1, 1),
      headers: sometimes(headers, 1, 1),
      apiKeyId,
      sourceIp: ipLike,
      nullHeaders: fc.boolean(),
      keepExamplePath: fc.boolean(),
    })
    .map(({ base, method: verb, pathParameters, query, body, headers: extraHeaders, apiKeyId: keyId, sourceIp, nullHeaders, keepExamplePath }) => {
      const parameters = keepExamplePath ? (base.pathParameters ?? {}) : pathParameters;
      return {
        parts: {
          ...base,
          method: verb,
          resource,
          ...(Object.keys(parameters).length > 0 ? { pathParameters: parameters, path: pathOf(resource, parameters) } : {}),
          ...(query ? { query } : {}),
          ...(body ? { body: body.body } : {}),
          headers: { ...base.headers, ...(extraHeaders ?? {}) },
          apiKeyId: keyId,
          sourceIp,
        },
        isBase64Encoded: body?.isBase64Encoded ?? false,
        nullHeaders: nullHeaders && !extraHeaders && body === null,
      };
    });
}

/** The request path with its parameters filled in, percent-encoded where they can be (the path is only context for the function). */
function pathOf(resource: string, parameters: Record<string, string>): string {
  return resource.replace(/\{(\w+)\}/g, (_, name: string) => {
    try {
      return encodeURIComponent(parameters[name] ?? '');
    } catch {
      return 'unencodable';
    }
  });
}
