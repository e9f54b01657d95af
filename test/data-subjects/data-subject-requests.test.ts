import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACKNOWLEDGMENT } from '../../lambdas/data-subject-requests/data-subject-requests-api.js';
import { TEST_SOURCE_IP } from '../support/api-gateway-events.js';
import { createTestVisitsTable, type TestVisitsTable } from '../support/dynamodb.js';
import { visitsApiHarness } from '../support/visits-api-harness.js';
import { ControllerTopics, REGION, TOPIC_PREFIX, unreachableSns } from './support/controller-topics.js';
import { FORM_ORIGIN, RECEIVED_AT, requestsHarness, type RequestsHarness } from './support/requests-harness.js';

/**
 * POST /v1/data-subject-requests through API Gateway proxy events, publishing with the real SNS
 * client to fauxqs, where each tenant's topic delivers to an inbox queue standing in for the
 * controller's e-mail subscription. The failure paths are real too: a topic that does not exist and
 * an SNS endpoint that does not answer.
 */
const GONE_TOPIC = `arn:aws:sns:${REGION}:000000000000:${TOPIC_PREFIX}tenant-gone`;
const IPV4 = '203.0.113.45';
const IPV6 = '2001:db8:85a3::8a2e:370:7334';
const FORWARDED_FOR = '192.0.2.77';

let topics: ControllerTopics;
let requests: RequestsHarness;

beforeAll(async () => {
  topics = await ControllerTopics.start(['tenant-a', 'tenant-b']);
  requests = await requestsHarness(new Map([...topics.topicArns, ['tenant-gone', GONE_TOPIC]]), topics.sns());
});
afterAll(() => topics.stop());
beforeEach(() => topics.reset());

const valid = {
  tenantId: 'tenant-a',
  siteId: 'www.a.example',
  type: 'erasure',
  message: `Please erase everything about my visits.\nI browsed from ${IPV4} at the office and from ${IPV6} at home.`,
  contact: { email: 'jane.doe@example.org', name: 'Jane Doe' },
};

describe('a valid request', () => {
  it('is forwarded to the tenant’s topic as a readable notice and acknowledged with 202 and a reference', async () => {
    const answer = await requests.submit(valid, { sourceIp: TEST_SOURCE_IP, headers: { 'X-Forwarded-For': FORWARDED_FOR } });
    const reference = requests.references.at(-1)!;
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ reference, status: 'FORWARDED', message: ACKNOWLEDGMENT });

    const [notice, ...more] = topics.received('tenant-a');
    expect(more).toEqual([]);
    expect(topics.received('tenant-b')).toEqual([]);
    expect(notice!.TopicArn).toBe(topics.topicArns.get('tenant-a'));
    expect(notice!.Subject).toBe(`Data-subject request (erasure) ${reference}`);
    const lines = notice!.Message.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `Reference:     ${reference}`,
        `Received:      ${RECEIVED_AT.toISOString()} (UTC)`,
        'Tenant:        tenant-a',
        'Website:       www[.]a[.]example', // requester text: made unclickable like any link
        'Request type:  Erasure (GDPR Art. 17)',
        'Reply to:      Jane Doe <jane.doe@example.org>',
        '> Please erase everything about my visits.',
        '> I browsed from [redacted-ip] at the office and from [redacted-ip] at home.',
      ]),
    );
    expect(notice!.Message).toMatch(/You, the controller, decide on this request/);
    expect(notice!.Message).toMatch(/We have not acted on the request and keep no copy of it/);
  });

  it('carries no IP address: not from the message, the name, the connection or its headers', async () => {
    const name = `Jane (${IPV4})`;
    await requests.submit({ ...valid, contact: { ...valid.contact, name } }, { sourceIp: TEST_SOURCE_IP, headers: { 'X-Forwarded-For': FORWARDED_FOR } });
    const delivered = JSON.stringify(topics.received('tenant-a'));
    for (const ip of [IPV4, IPV6, TEST_SOURCE_IP, FORWARDED_FOR, '2001:db8:85a3']) expect(delivered).not.toContain(ip);
    expect(delivered).not.toMatch(/\b\d{1,3}(?:\.\d{1,3}){3}\b/);
    expect(delivered).toContain('Reply to:      Jane ([redacted-ip]) <jane.doe@example.org>');
  });

  it('logs the reference, tenant and type, and nothing the requester wrote', async () => {
    const { logs } = await requests.submit(valid, { sourceIp: TEST_SOURCE_IP });
    const records = logs.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(records).toContainEqual(
      expect.objectContaining({ message: 'data-subject request forwarded', reference: requests.references.at(-1), tenantId: 'tenant-a', type: 'erasure' }),
    );
    for (const text of ['jane.doe', 'Jane Doe', 'Please erase', 'www.a.example', IPV4, TEST_SOURCE_IP, '[redacted-ip]']) expect(logs).not.toContain(text);
  });

  it('answers a declared form origin only (CORS, never *), and only its preflight', async () => {
    const fromForm = { headers: { Origin: FORM_ORIGIN } };
    const accepted = await requests.submit({ ...valid, type: 'access', siteId: null }, fromForm);
    expect(accepted.result.headers).toMatchObject({ 'access-control-allow-origin': FORM_ORIGIN, vary: 'Origin' });
    const refused = await requests.submit({ ...valid, type: 'delete-everything' }, fromForm);
    expect(refused.result.headers).toMatchObject({ 'access-control-allow-origin': FORM_ORIGIN });
    const preflight = await requests.call({ method: 'OPTIONS', resource: '/v1/data-subject-requests', ...fromForm });
    expect(preflight.status).toBe(204);
    expect(preflight.result.headers).toMatchObject({
      'access-control-allow-origin': FORM_ORIGIN,
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type',
    });
    const elsewhere = { headers: { Origin: 'https://attacker.example' } };
    expect((await requests.call({ method: 'OPTIONS', resource: '/v1/data-subject-requests', ...elsewhere })).result.headers).not.toHaveProperty('access-control-allow-origin');
    expect((await requests.submit({ ...valid, type: 'delete-everything' }, elsewhere)).result.headers).not.toHaveProperty('access-control-allow-origin');
    expect(topics.received('tenant-a').map((notice) => notice.Message)).toEqual([expect.stringContaining('Website:       (not stated)')]);
  });

  it.each([
    ['every request type', ['access', 'rectification', 'erasure', 'restriction', 'portability', 'objection', 'other'].map((type) => ({ ...valid, type }))],
    ['the least: no site, no name', [{ tenantId: 'tenant-b', type: 'other', message: '?', contact: { email: 'a@b.example' } }]],
    ['2000 characters of 4-byte emoji', [{ ...valid, message: '🙂'.repeat(2000) }]],
    ['a message with tabs and CRLF line breaks', [{ ...valid, message: 'a\tb\r\nc' }]],
  ])('accepts %s', async (_, bodies) => {
    for (const body of bodies) expect((await requests.submit(body)).status).toBe(202);
    expect(topics.published()).toBe(bodies.length);
  });
});

describe('a request that cannot be forwarded', () => {
  it('for a tenant nobody knows → the very answer a known tenant gets (202 FORWARDED), nothing published', async () => {
    const known = await requests.submit(valid);
    topics.reset();
    const unknown = await requests.submit({ ...valid, tenantId: 'tenant-z' });
    expect(unknown.status).toBe(known.status);
    expect(Object.keys(unknown.body)).toEqual(Object.keys(known.body));
    expect(unknown.body).toEqual({ ...known.body, reference: requests.references.at(-1) });
    expect(unknown.result.headers).toEqual(known.result.headers);
    expect(topics.published()).toBe(0);
  });

  it('when SNS refuses it (the topic is gone) → 503 FORWARDING_FAILED, the requester told to send it again', async () => {
    const answer = await requests.submit({ ...valid, tenantId: 'tenant-gone' });
    expect(answer.status).toBe(503);
    expect(answer.body.error).toEqual({
      code: 'FORWARDING_FAILED',
      message: 'Your request could not be forwarded just now and was not kept. Please send it again in a few minutes.',
    });
    expect(topics.published()).toBe(0);
    expect(answer.logs).toContain('data-subject request not forwarded');
    expect(answer.logs).toContain(requests.references.at(-1));
    expect(answer.logs).not.toContain('jane.doe');
  });

  it('when SNS does not answer → 503 FORWARDING_FAILED', async () => {
    const unreachable = unreachableSns();
    const answer = await (await requestsHarness(topics.topicArns, unreachable)).submit(valid);
    expect(answer).toMatchObject({ status: 503, body: { error: { code: 'FORWARDING_FAILED' } } });
    unreachable.destroy();
  });
});

describe('bad input → 4xx JSON, nothing published', () => {
  const withContact = (contact: unknown) => ({ ...valid, contact });
  it.each<[string, number, string, unknown, Record<string, unknown>?]>([
    ['no body', 400, 'BODY_REQUIRED', undefined],
    ['invalid JSON', 400, 'INVALID_JSON', '{"tenantId":'],
    ['an array', 400, 'INVALID_BODY', [valid]],
    ['no tenantId', 400, 'MISSING_FIELD', { ...valid, tenantId: undefined }],
    ['no type', 400, 'MISSING_FIELD', { ...valid, type: undefined }],
    ['no message', 400, 'MISSING_FIELD', { ...valid, message: undefined }],
    ['no contact', 400, 'MISSING_FIELD', { ...valid, contact: undefined }],
    ['no e-mail', 400, 'MISSING_FIELD', withContact({ name: 'Jane' })],
    ['an unknown field', 400, 'UNKNOWN_FIELD', { ...valid, ip: IPV4 }],
    ['an unknown contact field', 400, 'UNKNOWN_FIELD', withContact({ ...valid.contact, phone: '+31 20 123 4567' })],
    ['a tenant id in capitals', 400, 'INVALID_FIELD', { ...valid, tenantId: 'Tenant-A' }],
    ['a tenant id that is a number', 400, 'INVALID_FIELD', { ...valid, tenantId: 7 }],
    ['a site id with a space', 400, 'INVALID_FIELD', { ...valid, siteId: 'www a' }],
    ['an unknown type', 400, 'INVALID_FIELD', { ...valid, type: 'delete' }],
    ['a type from the prototype', 400, 'INVALID_FIELD', { ...valid, type: 'toString' }],
    ['an empty message', 400, 'INVALID_FIELD', { ...valid, message: '' }],
    ['a blank message', 400, 'INVALID_FIELD', { ...valid, message: ' \n\t ' }],
    ['a message of 2001 characters', 400, 'INVALID_FIELD', { ...valid, message: 'x'.repeat(2001) }],
    ['a message with a NUL', 400, 'INVALID_FIELD', { ...valid, message: 'a\u0000b' }],
    ['a message with an escape sequence', 400, 'INVALID_FIELD', { ...valid, message: 'a\u001b[31mb' }],
    ['a message that is an object', 400, 'INVALID_FIELD', { ...valid, message: { text: 'hi' } }],
    ['contact as text', 400, 'INVALID_BODY', withContact('jane.doe@example.org')],
    ['an e-mail without @', 400, 'INVALID_FIELD', withContact({ email: 'jane.example.org' })],
    ['an e-mail at an address literal', 400, 'INVALID_FIELD', withContact({ email: `jane@[${IPV4}]` })],
    ['an e-mail at a dotted quad', 400, 'INVALID_FIELD', withContact({ email: `jane@${IPV4}` })],
    ['an e-mail with a space', 400, 'INVALID_FIELD', withContact({ email: 'jane doe@example.org' })],
    ['an e-mail with a line break', 400, 'INVALID_FIELD', withContact({ email: 'jane@example.org\nBcc: x@example.org' })],
    ['an e-mail over 254 characters', 400, 'INVALID_FIELD', withContact({ email: `jane@${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.example` })],
    ['a name with a line break', 400, 'INVALID_FIELD', withContact({ email: 'jane@example.org', name: 'Jane\nDoe' })],
    ['a blank name', 400, 'INVALID_FIELD', withContact({ email: 'jane@example.org', name: '  ' })],
    ['a name of 201 characters', 400, 'INVALID_FIELD', withContact({ email: 'jane@example.org', name: 'J'.repeat(201) })],
    ['a query parameter', 400, 'UNKNOWN_PARAMETER', valid, { query: { tenantId: 'tenant-a' } }],
    ['a form body', 415, 'UNSUPPORTED_MEDIA_TYPE', 'type=erasure', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }],
    ['a body over 32 KiB', 413, 'PAYLOAD_TOO_LARGE', { ...valid, message: '\\'.repeat(16_400) }],
    ['GET', 405, 'METHOD_NOT_ALLOWED', undefined, { method: 'GET' }],
  ])('%s → %i %s', async (_, status, code, body, parts = {}) => {
    const answer = await requests.call({ method: 'POST', resource: '/v1/data-subject-requests', body, ...parts });
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
    expect(answer.result.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8' });
    expect(topics.published()).toBe(0);
  });

  it('never repeats an address in an error, even one sent as a field name', async () => {
    const answer = await requests.submit({ ...valid, contact: { ...valid.contact, [IPV6]: 'x' } });
    expect(answer.body.error.code).toBe('UNKNOWN_FIELD');
    expect(JSON.stringify(answer.body)).not.toContain(IPV6);
  });
});

describe('the visits table', () => {
  let table: TestVisitsTable;
  beforeAll(async () => {
    table = await createTestVisitsTable();
  });
  afterAll(() => table.drop());

  it('is untouched by the public route, whatever it is sent', async () => {
    const visits = visitsApiHarness(table);
    expect((await visits.record({ siteId: 'a.example', pageUrl: 'https://a.example/', visitorIp: '81.2.69.161' })).status).toBe(201);
    const before = await table.items();
    await requests.submit(valid, { sourceIp: '81.2.69.161' });
    await requests.submit({ ...valid, type: 'access', message: 'What do you hold about 81.2.69.161?' });
    await requests.submit({ ...valid, tenantId: 'tenant-z' });
    await requests.submit({ ...valid, message: '' });
    expect(await table.items()).toEqual(before);
    expect(topics.published()).toBe(2);
  });
});
