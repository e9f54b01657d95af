import { SNSClient } from '@aws-sdk/client-sns';
import { startFauxqs, type FauxqsServer } from 'fauxqs';

export const REGION = 'eu-central-1';
export const TOPIC_PREFIX = 'Test-breach-notice-';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A real SDK client for an SNS endpoint where nothing listens: every publish fails at once, as in an outage. */
export function unreachableSns(): SNSClient {
  return new SNSClient({ endpoint: 'http://127.0.0.1:9', region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
}

/** What an SNS topic delivers to a subscribed queue: the e-mail subscription's content. */
export interface SnsEnvelope {
  readonly Type: string;
  readonly Subject?: string;
  readonly Message: string;
  readonly TopicArn: string;
}

/**
 * fauxqs (SNS emulator, in process) laid out like a deployment: one notice topic per tenant named as
 * BreachAlertTopics names them, each with an "inbox" queue subscribed in place of the controller's
 * e-mail subscription, so a test reads exactly what each controller would have received.
 */
export class ControllerTopics {
  private constructor(
    private readonly server: FauxqsServer,
    /** Tenant id → topic ARN: what TENANT_TOPIC_ARNS holds. */
    readonly topicArns: ReadonlyMap<string, string>,
  ) {}

  static async start(tenantIds: readonly string[]): Promise<ControllerTopics> {
    const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false, defaultRegion: REGION, messageSpies: { bufferSize: 1000 } });
    const topicArns = new Map<string, string>();
    for (const tenantId of tenantIds) {
      topicArns.set(tenantId, server.createTopic(`${TOPIC_PREFIX}${tenantId}`).topicArn);
      server.createQueue(inbox(tenantId));
      server.subscribe({ topic: `${TOPIC_PREFIX}${tenantId}`, queue: inbox(tenantId) });
    }
    return new ControllerTopics(server, topicArns);
  }

  get endpoint(): string {
    return this.server.address;
  }

  /** A real SDK client for the emulator. */
  sns(): SNSClient {
    return new SNSClient({ endpoint: this.endpoint, region: REGION, credentials: CREDENTIALS });
  }

  /** Every notice the tenant's topic delivered. */
  received(tenantId: string): SnsEnvelope[] {
    const queue = this.server.inspectQueue(inbox(tenantId));
    if (!queue) throw new Error(`no inbox for ${tenantId}`);
    const { ready, delayed, inflight } = queue.messages;
    return [...ready, ...delayed, ...inflight.map((entry) => entry.message)].map((message) => JSON.parse(message.body) as SnsEnvelope);
  }

  /** Everything published to any topic, subscribed or not. */
  published(): number {
    return this.server.spy.getAllMessages().filter((event) => event.service === 'sns').length;
  }

  reset(): void {
    this.server.reset();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

const inbox = (tenantId: string) => `inbox-${tenantId}`;
