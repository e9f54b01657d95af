import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs, type FauxqsServer } from 'fauxqs';

export const REGION = 'eu-central-1';
export const BUCKET = 'breach-register-test';
export const TOPIC_PREFIX = 'Test-breach-notice-';
export const TOPIC_ARN_PREFIX = `arn:aws:sns:${REGION}:000000000000:${TOPIC_PREFIX}`;
export const RETRY_QUEUE = 'breach-notify-retry';
export const DEAD_LETTER_QUEUE = 'breach-notify-dead-letters';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface SnsEnvelope {
  readonly Subject?: string;
  readonly Message: string;
  readonly TopicArn: string;
}

/**
 * fauxqs (SNS + S3 + SQS on one local port) laid out like a deployment: the register bucket, one
 * topic per tenant, and an "inbox" queue subscribed to each topic standing in for the e-mail
 * subscription, so a test can read exactly what each controller would have received.
 */
export class BreachEmulator {
  private constructor(
    readonly server: FauxqsServer,
    readonly tenantIds: readonly string[],
  ) {}

  static async start(tenantIds: readonly string[]): Promise<BreachEmulator> {
    const server = await startFauxqs({ port: 0, logger: false, defaultRegion: REGION, messageSpies: { bufferSize: 1000 } });
    const dlq = server.createQueue(DEAD_LETTER_QUEUE);
    server.createQueue(RETRY_QUEUE, {
      attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: '3' }), VisibilityTimeout: '0' },
    });
    server.createBucket(BUCKET);
    for (const tenantId of tenantIds) {
      server.createTopic(`${TOPIC_PREFIX}${tenantId}`);
      server.createQueue(inbox(tenantId));
      server.subscribe({ topic: `${TOPIC_PREFIX}${tenantId}`, queue: inbox(tenantId) });
    }
    return new BreachEmulator(server, tenantIds);
  }

  get endpoint(): string {
    return this.server.address;
  }

  s3(): S3Client {
    return new S3Client({ endpoint: this.endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
  }

  sns(): SNSClient {
    return new SNSClient({ endpoint: this.endpoint, region: REGION, credentials: CREDENTIALS });
  }

  sqs(): SQSClient {
    return new SQSClient({ endpoint: this.endpoint, region: REGION, credentials: CREDENTIALS });
  }

  queueUrl(name: string): string {
    const queue = this.server.inspectQueue(name);
    if (!queue) throw new Error(`no queue ${name}`);
    return queue.url;
  }

  /** Every notice the tenant's topic delivered (what its DPO would have received by e-mail). */
  received(tenantId: string): SnsEnvelope[] {
    const queue = this.server.inspectQueue(inbox(tenantId));
    if (!queue) throw new Error(`no inbox for ${tenantId}`);
    const { ready, delayed, inflight } = queue.messages;
    return [...ready, ...delayed, ...inflight.map((entry) => entry.message)].map((message) => JSON.parse(message.body) as SnsEnvelope);
  }

  /** Bodies of the messages waiting on a queue. */
  queued(name: string): string[] {
    const queue = this.server.inspectQueue(name);
    if (!queue) throw new Error(`no queue ${name}`);
    return [...queue.messages.ready, ...queue.messages.delayed].map((message) => message.body);
  }

  reset(): void {
    this.server.reset();
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}

const inbox = (tenantId: string) => `inbox-${tenantId}`;
