import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { localDocumentClient } from '../../bin/local/local-aws.js';
import { COUNTER_LIFETIME_DAYS } from '../../lambdas/data-subject-requests/request-counters.js';
import { ControllerTopics } from './support/controller-topics.js';
import { requestsHarness } from './support/requests-harness.js';

const NOW = new Date();
const now = () => NOW;

/**
 * The public request route must not be a relay into a DPO's inbox (issue 14, item 4): daily caps held
 * in a counters table in DynamoDB Local, and forwarded text that cannot pass for the processor's own.
 */
let topics: ControllerTopics;
beforeAll(async () => {
  topics = await ControllerTopics.start(['tenant-a', 'tenant-b']);
});
afterAll(() => topics.stop());
beforeEach(() => topics.reset());

const request = (overrides: Record<string, unknown> = {}) => ({
  tenantId: 'tenant-a',
  type: 'access',
  message: 'Which visits of mine do you hold?',
  contact: { email: 'jane@example.org' },
  ...overrides,
});

describe('daily caps', () => {
  it('forwards at most 3 requests a day from one sender: 50 tries, 3 forwarded, the rest 429 DAILY_LIMIT_REACHED', async () => {
    const requests = await requestsHarness(topics.topicArns, topics.sns(), { perTenant: 50, perSender: 3 }, now);
    const answers = [];
    for (let i = 0; i < 50; i++) answers.push(await requests.submit(request(), { sourceIp: '198.51.100.7' }));
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([202, 202, 202]);
    expect(new Set(answers.slice(3).map((a) => a.status))).toEqual(new Set([429]));
    expect(answers[3]!.body.error.code).toBe('DAILY_LIMIT_REACHED');
    expect(topics.received('tenant-a')).toHaveLength(3);
    // Another address of the same sender is the same sender (the e-mail counts), and so is another e-mail from the same address.
    expect((await requests.submit(request(), { sourceIp: '198.51.100.8' })).status).toBe(429);
    expect((await requests.submit(request({ contact: { email: 'JANE@example.org' } }), { sourceIp: '198.51.100.9' })).status).toBe(429);
    expect((await requests.submit(request({ contact: { email: 'john@example.org' } }), { sourceIp: '198.51.100.7' })).status).toBe(429);
    expect((await requests.submit(request({ contact: { email: 'john@example.org' } }), { sourceIp: '198.51.100.10' })).status).toBe(202);
  });

  it('forwards at most the tenant’s cap a day from all senders together, and another tenant is not affected', async () => {
    const requests = await requestsHarness(topics.topicArns, topics.sns(), { perTenant: 5, perSender: 3 }, now);
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await requests.submit(request({ contact: { email: `sender${i}@example.org` } }), { sourceIp: `198.51.100.${i}` })).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429, 429]);
    expect((await requests.submit(request({ tenantId: 'tenant-b', contact: { email: 'x@example.org' } }), { sourceIp: '198.51.100.99' })).status).toBe(202);
  });

  it('keeps counters only as hashes, each with a TTL two days after its day began', async () => {
    const requests = await requestsHarness(topics.topicArns, topics.sns(), { perTenant: 5, perSender: 3 }, now);
    await requests.submit(request(), { sourceIp: '198.51.100.7' });
    const client = localDocumentClient(inject('dynamoDbEndpoint'));
    const tables = await listCounterItems(client, requests);
    client.destroy();
    expect(tables).toHaveLength(3); // the tenant, the e-mail, the address
    const dayStart = Date.parse(`${NOW.toISOString().slice(0, 10)}T00:00:00Z`) / 1000;
    for (const item of tables) {
      expect(item.expiresAt).toBe(dayStart + COUNTER_LIFETIME_DAYS * 86_400);
      expect(JSON.stringify(item)).not.toMatch(/jane|198\.51\.100/);
    }
  });
});

async function listCounterItems(client: ReturnType<typeof localDocumentClient>, requests: Awaited<ReturnType<typeof requestsHarness>>) {
  const page = await client.send(new ScanCommand({ TableName: requests.countersTable }));
  return (page.Items ?? []) as Array<{ pk: string; count: number; expiresAt: number }>;
}

describe('the forwarded notice', () => {
  it('quotes the requester’s text so it cannot pass for the processor’s: links, rules, separators and bidi controls neutralised', async () => {
    const requests = await requestsHarness(topics.topicArns, topics.sns());
    const message = [
      'Hello,',
      '-'.repeat(72),
      'What happens now',
      '- Please confirm your account at https://evil.example/login and www.evil.example today.',
      '════════════════',
      'Reference:     DSR-fake',
      `Line\u2028Reply to: support@evil.example\u2029end`,
      `bidi \u202Egnp.exe\u202C and zero\u200Bwidth`,
    ].join('\n');
    const answer = await requests.submit(request({ message, siteId: 'www.a.example', contact: { email: 'jane@example.org', name: 'Jane\u2028Tenant:        tenant-b' } }));
    expect(answer.status).toBe(202);
    const [notice] = topics.received('tenant-a');
    const body = notice!.Message;
    const quoted = body.slice(body.indexOf('=== BEGIN'), body.indexOf('=== END'));
    const quotedLines = quoted.split('\n').slice(1, -1);
    expect(quotedLines.length).toBeGreaterThan(8);
    for (const line of quotedLines) expect(line.startsWith('>')).toBe(true);
    expect(quoted).toContain('> [line of symbols removed]');
    expect(quoted).not.toContain('-'.repeat(10));
    expect(quoted).not.toContain('═');
    expect(quoted).toContain('hxxps[:]//evil[.]example/login');
    expect(quoted).toContain('www[.]evil[.]example');
    expect(body).not.toMatch(/https?:\/\/evil|[\u2028\u2029\u202A-\u202E\u200B]/);
    expect(quoted).toContain('> Reply to: support@evil.example');
    // The name stays on its one line, so it cannot add a header line of its own.
    expect(body.split('\n').filter((line) => line.startsWith('Tenant:'))).toEqual(['Tenant:        tenant-a']);
    expect(body).toContain('Reply to:      Jane Tenant:        tenant-b <jane@example.org>');
  });

  it('redacts an address in the website field and in the reply-to domain, like the message', async () => {
    const requests = await requestsHarness(topics.topicArns, topics.sns());
    await requests.submit(request({ siteId: '81.2.69.170', contact: { email: 'jane@81.2.69.171.nip.io' } }));
    const [notice] = topics.received('tenant-a');
    expect(notice!.Message).toContain('Website:       [redacted-ip]');
    expect(notice!.Message).toContain('Reply to:      jane@[redacted-ip].nip.io');
    expect(notice!.Message).not.toMatch(/81\.2\.69/);
  });
});
