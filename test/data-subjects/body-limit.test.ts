import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BODY_BYTES } from '../../lambdas/data-subject-requests/data-subject-request.js';
import { ROUTE_BODY_LIMITS } from '../../lambdas/shared/http/body-limits.js';
import openapi from '../../lib/api/openapi.json' with { type: 'json' };
import { ControllerTopics } from './support/controller-topics.js';
import { requestsHarness, type RequestsHarness } from './support/requests-harness.js';

/**
 * One body limit for POST /v1/data-subject-requests, held by the schema, the function and the web
 * ACL (whose rule is checked against ROUTE_BODY_LIMITS in test/infra): the longest request the schema
 * accepts, sent by a client that escapes every non-ASCII character (Python's json.dumps does by
 * default: 12 bytes for one emoji), is within the limit and is forwarded, not refused with a 413.
 */
const EMOJI = '\u{1F600}';

/** JSON with every character outside ASCII written as \uXXXX escapes. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const { DataSubjectRequest: schema } = openapi.components.schemas;
const longest = {
  tenantId: 'tenant-a',
  siteId: `s${'x'.repeat(99)}`,
  type: 'rectification',
  message: EMOJI.repeat(schema.properties.message.maxLength),
  contact: { email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, name: EMOJI.repeat(schema.properties.contact.properties.name.maxLength) },
};

let topics: ControllerTopics;
let requests: RequestsHarness;

beforeAll(async () => {
  topics = await ControllerTopics.start(['tenant-a']);
  requests = await requestsHarness(topics.topicArns, topics.sns());
});
afterAll(() => topics.stop());

describe('the body limit of POST /v1/data-subject-requests', () => {
  const body = asciiJson(longest);

  it('is the one the function enforces', () => {
    expect(MAX_REQUEST_BODY_BYTES).toBe(ROUTE_BODY_LIMITS['/v1/data-subject-requests']);
  });

  it('covers the longest request the route schema accepts, every character escaped', () => {
    const { description: _, ...model } = schema as Record<string, unknown>;
    expect(new Ajv({ strict: false }).validate(model, JSON.parse(body))).toBe(true);
    expect(longest.contact.email).toHaveLength(254);
    expect(Buffer.byteLength(body)).toBeGreaterThan(24_000);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(ROUTE_BODY_LIMITS['/v1/data-subject-requests']);
  });

  it('forwards that request instead of refusing it as too large', async () => {
    const answer = await requests.call({ method: 'POST', resource: '/v1/data-subject-requests', body, headers: { 'Content-Type': 'application/json' } });
    expect(answer.body?.error?.code).toBeUndefined();
    expect(answer.status).toBe(202);
    expect(topics.received('tenant-a')).toHaveLength(1);
  });

  it('still refuses a body one byte over the limit with 413', async () => {
    const padded = `${body.slice(0, -1)}${' '.repeat(ROUTE_BODY_LIMITS['/v1/data-subject-requests'] - Buffer.byteLength(body) + 1)}}`;
    const answer = await requests.call({ method: 'POST', resource: '/v1/data-subject-requests', body: padded, headers: { 'Content-Type': 'application/json' } });
    expect(answer).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
  });
});
