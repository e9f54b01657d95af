import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ListSubscriptionsByTopicCommand, SubscribeCommand, UnsubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkBreachDelivery, DELIVERY_CHECK_FAILED } from '../../lambdas/breach-delivery-check/check-delivery.js';
import { NOTICE_HELD } from '../../lambdas/breach-shared/notify-tenants.js';
import { reportBreachApi } from '../../lambdas/breach-report/report-breach.js';
import { createLogger } from '../../lambdas/shared/logging/logger.js';
import { jsonOf, lambdaContext, proxyEvent } from '../support/api-gateway-events.js';
import { capturedOutput } from '../support/captured-output.js';
import { BreachEmulator, BUCKET, RETRY_QUEUE, TOPIC_ARN_PREFIX } from './support/emulator.js';
import { sampleReport } from './support/sample-report.js';
import { awsError, failWhen, TENANT_IDS, wire, type Wiring } from './support/wiring.js';

/**
 * A breach notice is delivered only if someone receives it. SNS accepts a publish to a topic without
 * a confirmed subscriber, so the report and notify functions check the topic first; the scheduled
 * check looks at every subscription. All on the real SDK against fauxqs, where an e-mail subscription
 * stays pending (nobody clicks its link) and a queue subscription is confirmed at once.
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

const topicOf = (tenantId: string) => `${TOPIC_ARN_PREFIX}${tenantId}`;
const logLines = (output: string) => output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, any>);

/** Leaves the tenant's topic with only an e-mail subscription nobody confirmed: what a DPO who never clicked the link has. */
async function onlyUnconfirmedEmail(sns: SNSClient, tenantId: string): Promise<() => Promise<void>> {
  const topicArn = topicOf(tenantId);
  const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
  for (const subscription of Subscriptions) await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscription.SubscriptionArn }));
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: `dpo@${tenantId}.example` }));
  return async () => {
    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: emulator.server.inspectQueue(`inbox-${tenantId}`)!.arn }));
  };
}

const report = async (w: Wiring, body: unknown = sampleReport()) => {
  let answer!: ReturnType<typeof jsonOf>;
  const logs = logLines(await capturedOutput(async () => {
    answer = jsonOf(await reportBreachApi(w.deps)(proxyEvent({ method: 'POST', resource: '/v1/operator/breaches', body, apiKeyId: null }), lambdaContext('breach-report')));
  }));
  return { ...answer, logs };
};

describe('a breach notice to a topic nobody confirmed', () => {
  it('is not counted as delivered: the record is stored, the tenant stays pending, a retry is queued and the held-notice line is logged', async () => {
    const restore = await onlyUnconfirmedEmail(wiring.sns, 'globex');
    try {
      const answer = await report(wiring);
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ notified: ['acme'], pending: ['globex'] });
      expect(emulator.received('acme')).toHaveLength(1);
      expect(wiring.requests.filter((r) => r.command === 'PublishCommand').map((r) => r.input.TopicArn)).toEqual([topicOf('acme')]);
      const keys = ((await wiring.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key);
      expect(keys.filter((key) => key?.startsWith('notifications/'))).toEqual([`notifications/${answer.body.recordId}/acme.json`]);
      expect(emulator.queued(RETRY_QUEUE)).toEqual([JSON.stringify({ recordId: answer.body.recordId })]);
      const held = answer.logs.filter((line) => line.message === NOTICE_HELD);
      expect(held).toEqual([expect.objectContaining({ level: 'ERROR', tenantId: 'globex', topicArn: topicOf('globex') })]);
    } finally {
      await restore();
    }
  });

  it('is sent once the subscription is confirmed: resending the report finishes the job', async () => {
    const restore = await onlyUnconfirmedEmail(wiring.sns, 'globex');
    const first = await report(wiring);
    expect(first.body.pending).toEqual(['globex']);
    await restore();
    const second = await report(wiring);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ notified: ['acme', 'globex'], pending: [] });
    expect(emulator.received('globex')).toHaveLength(1);
    expect(emulator.received('acme')).toHaveLength(1);
  });
});

describe('the scheduled delivery check', () => {
  const check = async (sns: SNSClient) => {
    let findings!: Awaited<ReturnType<typeof checkBreachDelivery>>;
    const topics = new Map(TENANT_IDS.map((tenantId) => [`tenant ${tenantId}`, topicOf(tenantId)]));
    const logs = logLines(await capturedOutput(async () => {
      findings = await checkBreachDelivery({ sns, topics, logger: createLogger('breach-delivery-check-test') });
    }));
    return { findings, logs };
  };

  it('passes when every topic has a confirmed subscription, and logs nothing the alarm counts', async () => {
    const { findings, logs } = await check(wiring.sns);
    expect(findings).toEqual([]);
    expect(logs.map((line) => line.message)).not.toContain(DELIVERY_CHECK_FAILED);
  });

  it('names a topic with only a pending subscription, and logs the line the operations alarm counts', async () => {
    const restore = await onlyUnconfirmedEmail(wiring.sns, 'initech');
    try {
      const { findings, logs } = await check(wiring.sns);
      expect(findings).toEqual([
        {
          owner: 'tenant initech',
          topicArn: topicOf('initech'),
          problems: ['no confirmed subscription: a breach notice would reach nobody and is held back', '1 subscription(s) still pending confirmation'],
        },
      ]);
      expect(logs).toContainEqual(expect.objectContaining({ level: 'ERROR', message: DELIVERY_CHECK_FAILED }));
    } finally {
      await restore();
    }
  });

  it('names a topic whose subscription was confirmed without AuthenticateOnUnsubscribe', async () => {
    // fauxqs reports every confirmed subscription as authenticated; this one answer is changed on the
    // way back (an SDK-level stand-in), as for an e-mail confirmed through the link in its mail.
    (wiring.sns.middlewareStack as any).add(
      (next: any, context: any) => async (args: any) => {
        const result = await next(args);
        if (context.commandName === 'GetSubscriptionAttributesCommand' && result.output.Attributes.TopicArn === topicOf('acme')) {
          result.output.Attributes.ConfirmationWasAuthenticated = 'false';
        }
        return result;
      },
      { step: 'initialize', name: 'unauthenticatedConfirmation' },
    );
    const { findings } = await check(wiring.sns);
    expect(findings).toEqual([
      {
        owner: 'tenant acme',
        topicArn: topicOf('acme'),
        problems: ['1 subscription(s) confirmed without AuthenticateOnUnsubscribe: the unsubscribe link in any notice removes them'],
      },
    ]);
  });

  it('names a topic it cannot read instead of passing it', async () => {
    failWhen(wiring.sns, (command, input) =>
      command === 'ListSubscriptionsByTopicCommand' && input.TopicArn === topicOf('globex') ? awsError('AuthorizationError', 403) : undefined,
    );
    const { findings } = await check(wiring.sns);
    expect(findings).toEqual([{ owner: 'tenant globex', topicArn: topicOf('globex'), problems: ['could not be checked (AuthorizationError)'] }]);
  });
});
