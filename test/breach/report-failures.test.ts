import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { notifyPendingConsumer } from '../../lambdas/breach-notify/notify-pending.js';
import { reportBreachApi } from '../../lambdas/breach-report/report-breach.js';
import { jsonOf, lambdaContext, proxyEvent } from '../support/api-gateway-events.js';
import { capturedOutput } from '../support/captured-output.js';
import { BreachEmulator, BUCKET, RETRY_QUEUE } from './support/emulator.js';
import { sampleReport } from './support/sample-report.js';
import { awsError, failWhen, TENANT_IDS, wire, type Wiring } from './support/wiring.js';

/**
 * Failure paths. Everything runs on real SDK clients against fauxqs; the one fake is the failure
 * itself, injected into a client by failWhen (an SDK-level mock of the failing call: S3 or SNS
 * down, a lost write race), because an emulator cannot be made to fail on cue.
 */
let emulator: BreachEmulator;
let wiring: Wiring;
const RECORD_ID = 'BR-20261125-7f3c2a9e-5d1b-4c8e-9a6f-0b2d4e6f8a1c';
const RECORD_KEY = `breaches/2026/11/25/${RECORD_ID}.json`;

beforeAll(async () => {
  emulator = await BreachEmulator.start(TENANT_IDS);
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.reset();
  wiring = wire(emulator);
});

const report = async (w: Wiring, body: unknown = sampleReport()) => {
  const api = reportBreachApi(w.deps);
  let answer!: ReturnType<typeof jsonOf>;
  const logs = await capturedOutput(async () => {
    answer = jsonOf(await api(proxyEvent({ method: 'POST', resource: '/v1/operator/breaches', body, apiKeyId: null }), lambdaContext('breach-report')));
  });
  return { ...answer, logs };
};

/** Delivers what is on the retry queue to the notify function, as the event source mapping would. */
const deliverRetries = async (w: Wiring) => {
  const { Messages = [] } = await w.sqs.send(new ReceiveMessageCommand({ QueueUrl: emulator.queueUrl(RETRY_QUEUE), MaxNumberOfMessages: 10 }));
  const event = { Records: Messages.map((m) => ({ messageId: m.MessageId!, body: m.Body!, receiptHandle: m.ReceiptHandle! })) } as SQSEvent;
  let response: unknown;
  await capturedOutput(async () => {
    response = await notifyPendingConsumer(w.deps)(event, lambdaContext('breach-notify'));
  });
  return { delivered: Messages.length, response };
};
const keys = async () => ((await wiring.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key!);

describe('when S3 fails', () => {
  it('answers 503 (send again later) and sends no e-mail: nothing is notified that is not stored', async () => {
    failWhen(wiring.s3, (command) => (command === 'PutObjectCommand' ? awsError('ServiceUnavailable', 503) : undefined));
    const { status, body } = await report(wiring);
    expect(status).toBe(503);
    expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(wiring.requests.filter((r) => r.service === 'sns')).toEqual([]);
    expect(emulator.received('acme')).toEqual([]);
    expect(emulator.queued(RETRY_QUEUE)).toEqual([]);
    expect(await keys()).toEqual([]);
  });
});

describe('when SNS fails after the record is stored', () => {
  it('queues a retry and answers 202; the notify function then sends the missing notice: exactly one e-mail per controller', async () => {
    let globexFailures = 0;
    failWhen(wiring.sns, (command, input) =>
      command === 'PublishCommand' && input.TopicArn.endsWith('globex') && globexFailures++ === 0 ? awsError('InternalError', 500) : undefined,
    );
    const { status, body } = await report(wiring);
    expect(status).toBe(202);
    expect(body).toMatchObject({ recordId: RECORD_ID, notified: ['acme'], pending: ['globex'] });
    expect(await keys()).toContain(RECORD_KEY);
    expect(emulator.queued(RETRY_QUEUE)).toEqual([JSON.stringify({ recordId: RECORD_ID })]);
    expect(emulator.received('globex')).toEqual([]);

    const first = await deliverRetries(wiring);
    expect(first).toEqual({ delivered: 1, response: { batchItemFailures: [] } });
    expect(emulator.received('acme')).toHaveLength(1);
    expect(emulator.received('globex')).toHaveLength(1);

    // A second delivery of the same retry (SQS is at-least-once) and a resent report change nothing.
    emulator.server.sendMessage(RETRY_QUEUE, JSON.stringify({ recordId: RECORD_ID }));
    await deliverRetries(wiring);
    expect((await report(wiring)).status).toBe(200);
    expect(emulator.received('acme')).toHaveLength(1);
    expect(emulator.received('globex')).toHaveLength(1);
  });

  it('keeps the retry on the queue while the notice still fails (partial batch failure), so it ends in the alarmed dead-letter queue', async () => {
    failWhen(wiring.sns, (command, input) => (command === 'PublishCommand' && input.TopicArn.endsWith('globex') ? awsError('AuthorizationError', 403) : undefined));
    await report(wiring);
    const { Messages = [] } = await wiring.sqs.send(new ReceiveMessageCommand({ QueueUrl: emulator.queueUrl(RETRY_QUEUE) }));
    const event = { Records: [
      { messageId: 'retry-1', body: Messages[0]!.Body!, receiptHandle: 'r1' },
      { messageId: 'garbage', body: 'not json', receiptHandle: 'r2' },
      { messageId: 'unknown-record', body: JSON.stringify({ recordId: 'BR-20261125-does-not-exist' }), receiptHandle: 'r3' },
    ] } as SQSEvent;
    let response: unknown;
    await capturedOutput(async () => {
      response = await notifyPendingConsumer(wiring.deps)(event, lambdaContext('breach-notify'));
    });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'retry-1' }, { itemIdentifier: 'garbage' }, { itemIdentifier: 'unknown-record' }] });
    expect(emulator.received('globex')).toEqual([]);
  });

  it('answers 503 when the retry cannot be queued either; resending the same report finishes the job', async () => {
    const outage = { sns: true, sqs: true };
    failWhen(wiring.sns, (command) => (command === 'PublishCommand' && outage.sns ? awsError('InternalError', 500) : undefined));
    failWhen(wiring.sqs, (command) => (command === 'SendMessageCommand' && outage.sqs ? awsError('ServiceUnavailable', 503) : undefined));
    const { status, body, logs } = await report(wiring);
    expect(status).toBe(503);
    expect(body.error).toMatchObject({ code: 'NOTIFICATION_NOT_QUEUED', details: { recordId: RECORD_ID, pending: ['acme', 'globex'] } });
    expect(body.error.message).toContain('send the same report again');
    expect(logs).toContain('breach notification neither sent nor queued');

    outage.sns = false;
    outage.sqs = false;
    const resent = await report(wiring);
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ replayed: true, notified: ['acme', 'globex'], pending: [] });
    expect(emulator.received('acme')).toHaveLength(1);
    expect(emulator.received('globex')).toHaveLength(1);
  });
});

describe('when two identical reports race', () => {
  it('the loser sees S3 refuse its create-only write (412) and answers as a replay, sending nothing twice', async () => {
    await report(wiring);
    const racer = wire(emulator);
    // The racer looked before the winner's record existed, then S3 refused its If-None-Match write.
    let looked = false;
    failWhen(racer.s3, (command, input) => {
      if (command === 'GetObjectCommand' && input.Key === RECORD_KEY && !looked) {
        looked = true;
        return awsError('NoSuchKey', 404);
      }
      return command === 'PutObjectCommand' && input.Key === RECORD_KEY ? awsError('PreconditionFailed', 412) : undefined;
    });
    const { status, body } = await report(racer);
    expect(status).toBe(200);
    expect(body).toMatchObject({ recordId: RECORD_ID, replayed: true });
    expect(emulator.received('acme')).toHaveLength(1);
  });
});
