import { SNSClient } from '@aws-sdk/client-sns';
import { startFauxqs, type SnsSpyMessage } from 'fauxqs';

/** One notice published to a controller's topic: what its contacts would receive by e-mail in AWS. */
export interface ControllerNotice {
  readonly tenantId: string;
  readonly topicArn: string;
  readonly message: string;
}

export interface ControllerInbox {
  /** Tenant id → its local notice topic, as TENANT_TOPIC_ARNS maps them in AWS. */
  readonly topicArns: ReadonlyMap<string, string>;
  /** A real SNS client for the local topics. */
  readonly sns: SNSClient;
  stop(): Promise<void>;
}

const REGION = 'eu-central-1';

/**
 * The controllers' notice topics for the local API: fauxqs (an in-process SNS emulator, nothing on
 * disk) with one topic per tenant, so the data-subject request function publishes with the same SDK
 * call as in AWS. Each published notice is handed to `onNotice` (npm start prints it; in AWS it
 * goes by e-mail to the controller's contacts subscribed to the topic).
 */
export async function startControllerInbox(tenantIds: readonly string[], onNotice: (notice: ControllerNotice) => void): Promise<ControllerInbox> {
  const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false, defaultRegion: REGION, messageSpies: true });
  const tenantOfTopic = new Map<string, string>();
  for (const tenantId of tenantIds) tenantOfTopic.set(server.createTopic(`local-controller-notice-${tenantId}`).topicArn, tenantId);

  // The spy keeps its last 100 events; `handed` remembers which of those were passed on already.
  const handed = new Set<string>();
  const isNew = (event: { service: string; messageId?: string }) => event.service === 'sns' && !handed.has(event.messageId!);
  const watching = (async () => {
    for (;;) {
      const published = (await server.spy.waitForMessage(isNew, 'published')) as SnsSpyMessage;
      handed.add(published.messageId);
      const tenantId = tenantOfTopic.get(published.topicArn);
      if (tenantId !== undefined) onNotice({ tenantId, topicArn: published.topicArn, message: published.body });
      const buffered = new Set(server.spy.getAllMessages().map((event) => ('messageId' in event ? event.messageId : '')));
      for (const id of handed) if (!buffered.has(id)) handed.delete(id);
    }
  })().catch(() => undefined); // stop() clears the spy, which rejects the pending wait and ends the loop

  const sns = new SNSClient({ endpoint: server.address, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return {
    topicArns: new Map([...tenantOfTopic].map(([topicArn, tenantId]) => [tenantId, topicArn])),
    sns,
    stop: async () => {
      server.spy.clear();
      await watching;
      sns.destroy();
      await server.stop();
    },
  };
}
