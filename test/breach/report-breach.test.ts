import { ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Base64, sha256Hex } from '../../lambdas/breach-shared/breach-record.js';
import { reportBreachApi } from '../../lambdas/breach-report/report-breach.js';
import { jsonOf, lambdaContext, proxyEvent, TEST_OPERATOR_ARN } from '../support/api-gateway-events.js';
import { capturedOutput } from '../support/captured-output.js';
import { BreachEmulator, BUCKET, RETRY_QUEUE, TOPIC_ARN_PREFIX } from './support/emulator.js';
import { NOW, sampleReport } from './support/sample-report.js';
import { TENANT_IDS, wire, type Wiring } from './support/wiring.js';

/**
 * The report function's logic through the real AWS SDK v3 clients against fauxqs (S3 + SNS + SQS on
 * one local port). fauxqs keeps no Object Lock, so the lock is asserted on the requests as sent.
 */
let emulator: BreachEmulator;
let wiring: Wiring;

beforeAll(async () => {
  emulator = await BreachEmulator.start(TENANT_IDS);
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.reset();
  wiring = wire(emulator);
});

/** POST /breaches through the function's middleware stack (JSON body parsing, JSON errors) with its logs captured. */
const report = async (body: unknown, w: Wiring = wiring) => {
  const api = reportBreachApi(w.deps);
  let answer!: ReturnType<typeof jsonOf>;
  await capturedOutput(async () => {
    answer = jsonOf(await api(proxyEvent({ method: 'POST', resource: '/v1/operator/breaches', body, apiKeyId: null }), lambdaContext('breach-report')));
  });
  return answer;
};
const storedKeys = async () =>
  ((await wiring.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((object) => object.Key!).sort();
const readObject = async (key: string) => Buffer.from(await (await wiring.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());
const RECORD_ID = 'BR-20261125-7f3c2a9e-5d1b-4c8e-9a6f-0b2d4e6f8a1c';
const RECORD_KEY = `breaches/2026/11/25/${RECORD_ID}.json`;

describe('a new breach report', () => {
  it('is stored first, keyed by detection date and id, then notified: 201 with the record id and its SHA-256', async () => {
    const { status, body } = await report(sampleReport());
    expect(status).toBe(201);
    const bytes = await readObject(RECORD_KEY);
    expect(body).toEqual({
      recordId: RECORD_ID,
      status: 'confirmed',
      key: RECORD_KEY,
      sha256: sha256Hex(bytes),
      storedAt: NOW.toISOString(),
      retainUntil: '2031-11-25T12:00:00.000Z',
      redactedFields: [],
      replayed: false,
      notified: ['acme', 'globex'],
      pending: [],
    });
    const order = wiring.requests.map((request) => `${request.service}:${request.command}`);
    expect(order).toContain('s3:PutObjectCommand');
    expect(order.indexOf('s3:PutObjectCommand')).toBeLessThan(order.indexOf('sns:PublishCommand'));
  });

  it('is written create-only with COMPLIANCE Object Lock until storedAt + retention, its SHA-256 checked by S3 and kept in the metadata', async () => {
    wiring = wire(emulator, { retentionYears: 7 });
    await report(sampleReport());
    const put = wiring.requests.find((request) => request.command === 'PutObjectCommand' && request.input.Key === RECORD_KEY)!;
    const bytes = await readObject(RECORD_KEY);
    expect(put.headers).toMatchObject({
      'x-amz-object-lock-mode': 'COMPLIANCE',
      'x-amz-object-lock-retain-until-date': '2033-11-25T12:00:00Z',
      'x-amz-sdk-checksum-algorithm': 'SHA256',
      'x-amz-checksum-sha256': sha256Base64(bytes),
      'x-amz-meta-sha256': sha256Hex(bytes),
      'x-amz-meta-record-id': RECORD_ID,
      'if-none-match': '*',
      'content-type': 'application/json',
    });
    const record = JSON.parse(bytes.toString('utf8'));
    expect(record).toMatchObject({ recordType: 'personal-data-breach', recordId: RECORD_ID, retainUntil: '2033-11-25T12:00:00.000Z' });
    expect(record.report).toEqual({ ...sampleReport(), reportedAt: NOW.toISOString() });
  });

  it('sends each affected controller exactly one notice, and nothing to the others', async () => {
    await report(sampleReport());
    for (const tenant of ['acme', 'globex']) {
      const received = emulator.received(tenant);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ TopicArn: `${TOPIC_ARN_PREFIX}${tenant}`, Subject: `Personal data breach notice ${RECORD_ID}` });
      expect(received[0]!.Message).toContain(`Controller (tenant): ${tenant}`);
    }
    expect(emulator.received('initech')).toEqual([]);
  });

  it('leaves a marker per notified controller holding exactly the notice it was sent', async () => {
    await report(sampleReport());
    const [notice] = emulator.received('acme');
    const marker = JSON.parse((await readObject(`notifications/${RECORD_ID}/acme.json`)).toString('utf8'));
    expect(marker).toMatchObject({ recordId: RECORD_ID, tenantId: 'acme', topicArn: `${TOPIC_ARN_PREFIX}acme`, publishedAt: NOW.toISOString() });
    expect(marker.subject).toBe(notice!.Subject);
    expect(marker.body).toBe(notice!.Message);
    expect(await storedKeys()).toEqual([RECORD_KEY, `notifications/${RECORD_ID}/acme.json`, `notifications/${RECORD_ID}/globex.json`]);
  });

  it('is stored and sent without the IP addresses its text contained, saying in which fields', async () => {
    const { body } = await report(sampleReport({
      nature: 'Requests from 203.0.113.77 and 2001:db8::4f read the export bucket.',
      measures: { taken: ['Blocked 203.0.113.77 at the WAF'], proposed: [], mitigation: 'none' },
    }));
    expect(body.redactedFields).toEqual(['nature', 'measures.taken[0]']);
    const stored = (await readObject(RECORD_KEY)).toString('utf8');
    const mail = emulator.received('acme')[0]!.Message;
    for (const text of [stored, mail]) {
      expect(text).not.toContain('203.0.113.77');
      expect(text).not.toContain('2001:db8::4f');
      expect(text).toContain('[redacted-ip]');
    }
  });
});

describe('who reported, and the status', () => {
  it('locks the caller API Gateway authenticated (SigV4) and the status confirmed into the record', async () => {
    await report(sampleReport());
    const record = JSON.parse((await readObject(RECORD_KEY)).toString('utf8'));
    expect(record).toMatchObject({
      schemaVersion: 2,
      status: 'confirmed',
      reportedBy: { userArn: TEST_OPERATOR_ARN, accountId: '123456789012', caller: 'AROAEXAMPLEOPERATOR:ada' },
    });
  });

  it('refuses a report no authenticated caller sent (403), storing and sending nothing', async () => {
    const api = reportBreachApi(wiring.deps);
    let answer!: ReturnType<typeof jsonOf>;
    await capturedOutput(async () => {
      answer = jsonOf(await api(proxyEvent({ method: 'POST', resource: '/v1/operator/breaches', body: sampleReport(), apiKeyId: null, userArn: null }), lambdaContext('breach-report')));
    });
    expect(answer).toMatchObject({ status: 403, body: { error: { code: 'REPORTER_UNKNOWN' } } });
    expect(await storedKeys()).toEqual([]);
    expect(wiring.requests.filter((request) => request.service === 'sns')).toEqual([]);
  });

  it('records a withdrawal as a locked update with status withdrawn; the first record stays as it was', async () => {
    await report(sampleReport());
    const firstBytes = await readObject(RECORD_KEY);
    const withdrawal = sampleReport({ reportId: 'withdrawal-0001', updateOf: RECORD_ID, status: 'withdrawn', withdrawnBecause: 'The bucket policy denied the contractor account: nothing was read.' });
    const { status, body } = await report(withdrawal);
    expect(status).toBe(201);
    expect(body).toMatchObject({ status: 'withdrawn', updateOf: RECORD_ID });
    const stored = JSON.parse((await readObject(body.key)).toString('utf8'));
    expect(stored).toMatchObject({ status: 'withdrawn', updateOf: RECORD_ID, reportedBy: { userArn: TEST_OPERATOR_ARN } });
    expect(await readObject(RECORD_KEY)).toEqual(firstBytes);
    expect(emulator.received('acme').at(-1)!.Subject).toBe(`Withdrawal of personal data breach notice ${RECORD_ID}`);
  });
});

describe('a resent report (same reportId)', () => {
  it('with the same content stores nothing and sends nothing again: 200, replayed', async () => {
    await report(sampleReport());
    const before = wiring.requests.length;
    const { status, body } = await report({ ...sampleReport() });
    expect(status).toBe(200);
    expect(body).toMatchObject({ recordId: RECORD_ID, replayed: true, notified: ['acme', 'globex'], pending: [] });
    const resent = wiring.requests.slice(before);
    expect(resent.filter((request) => request.command === 'PutObjectCommand')).toEqual([]);
    expect(resent.filter((request) => request.service === 'sns')).toEqual([]);
    expect(emulator.received('acme')).toHaveLength(1);
    expect(emulator.received('globex')).toHaveLength(1);
  });

  it('with different content is refused (409) and changes nothing', async () => {
    await report(sampleReport());
    const { status, body } = await report(sampleReport({ nature: 'A different story under the same id.' }));
    expect(status).toBe(409);
    expect(body.error).toMatchObject({ code: 'REPORT_ID_CONFLICT', details: { recordId: RECORD_ID } });
    expect(JSON.parse((await readObject(RECORD_KEY)).toString('utf8')).report.nature).toBe(sampleReport().nature);
    expect(emulator.received('acme')).toHaveLength(1);
  });
});

describe('an Art. 33(4) update', () => {
  const update = (overrides = {}) =>
    sampleReport({ reportId: 'update-0001-of-7f3c2a9e', updateOf: RECORD_ID, nature: 'Update: the contractor account also listed the bucket.', ...overrides });

  it('is a new record linked to the first one; the first is untouched and the notice says it is an update', async () => {
    await report(sampleReport());
    const first = await readObject(RECORD_KEY);
    const { status, body } = await report(update());
    expect(status).toBe(201);
    expect(body).toMatchObject({ recordId: 'BR-20261125-update-0001-of-7f3c2a9e', updateOf: RECORD_ID });
    const stored = JSON.parse((await readObject('breaches/2026/11/25/BR-20261125-update-0001-of-7f3c2a9e.json')).toString('utf8'));
    expect(stored.updateOf).toBe(RECORD_ID);
    expect(await readObject(RECORD_KEY)).toEqual(first);
    const [, notice] = emulator.received('acme');
    expect(notice!.Subject).toBe('Update to personal data breach notice BR-20261125-update-0001-of-7f3c2a9e');
    expect(notice!.Message).toContain(`UPDATE (GDPR Art. 33(4)) to the personal data breach first notified as ${RECORD_ID}`);
  });

  it('of a record that does not exist is refused (400) before anything is stored or sent', async () => {
    const { status, body } = await report(update());
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'UNKNOWN_BREACH_RECORD', details: { fields: { updateOf: 'no such breach record' } } });
    expect(await storedKeys()).toEqual([]);
    expect(emulator.received('acme')).toEqual([]);
  });

  it('must name the first record, not another update', async () => {
    await report(sampleReport());
    await report(update());
    const { status, body } = await report(sampleReport({ reportId: 'update-0002-of-7f3c2a9e', updateOf: 'BR-20261125-update-0001-of-7f3c2a9e' }));
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'NOT_A_FIRST_RECORD', details: { fields: { updateOf: `must name the first record ${RECORD_ID}` } } });
  });
});

describe('an invalid report', () => {
  it('is refused (400) naming each missing or malformed field, and nothing is stored or sent', async () => {
    const { dataSubjects: _omitted, ...withoutDataSubjects } = sampleReport();
    const { status, body } = await report({
      ...withoutDataSubjects,
      contact: { name: 'Ada', email: 'not-an-address' },
      occurredAt: 'last Tuesday',
      affectedTenants: ['acme', 'umbrella'],
    });
    expect(status).toBe(400);
    expect(body.error.code).toBe('INVALID_BREACH_REPORT');
    expect(Object.keys(body.error.details.fields).sort()).toEqual(['contact.email', 'dataSubjects', 'occurredAt']);
    expect(await storedKeys()).toEqual([]);
    expect(wiring.requests.filter((request) => request.service !== 's3' || request.command !== 'ListObjectsV2Command')).toEqual([]);
  });

  it('names tenants that are not configured', async () => {
    const { status, body } = await report(sampleReport({ affectedTenants: ['acme', 'umbrella'] }));
    expect(status).toBe(400);
    expect(body.error.details.fields).toEqual({ 'affectedTenants[1]': '"umbrella" is not a configured tenant' });
    expect(emulator.queued(RETRY_QUEUE)).toEqual([]);
  });
});
