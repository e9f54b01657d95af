import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { confirmedSubscriptions } from './topic-subscriptions.js';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { StoredRecord } from './breach-record.js';
import { renderBreachNotice } from './breach-notice.js';
import type { RegisterStore } from './register-store.js';

export interface NotifyDependencies {
  readonly register: RegisterStore;
  readonly sns: SNSClient;
  readonly topicArnOf: (tenantId: string) => string;
  readonly now: () => Date;
  readonly logger: Logger;
}

export interface NotifyOutcome {
  /** Tenants whose controller has been sent the notice (now or before). */
  readonly notified: string[];
  /** Tenants still to be notified: the caller queues a retry. */
  readonly pending: string[];
}

/** Logged when a notice is held back because its topic has no confirmed subscriber; operations are alarmed on it. */
export const NOTICE_HELD = 'breach notice held: no confirmed subscription';

/** A topic no one confirmed a subscription to: SNS would accept the notice and deliver it to nobody. */
export class NoConfirmedSubscription extends Error {
  constructor(readonly topicArn: string) {
    super('the breach notice topic has no confirmed subscription');
    this.name = 'NoConfirmedSubscription';
  }
}

/**
 * Sends the record's notice, in parallel, to each affected tenant's topic that has not had it yet.
 * A marker object written after each publish is what makes retries send no second e-mail; the one
 * window left is a crash between a publish and its marker, where the retry errs on the side of a
 * second e-mail rather than none (SNS e-mail topics cannot de-duplicate). SNS accepts a publish to a
 * topic nobody confirmed a subscription to, so a notice counts as sent only when its topic had a
 * confirmed subscriber at the time; otherwise it stays pending (retried, then dead-lettered).
 */
export async function notifyAffectedTenants(deps: NotifyDependencies, stored: StoredRecord): Promise<NotifyOutcome> {
  const { recordId, report } = stored.record;
  const outcomes = await Promise.all(
    report.affectedTenants.map(async (tenantId) => {
      try {
        if (!(await deps.register.hasNotification(recordId, tenantId))) await notify(deps, stored, tenantId);
        return { tenantId, done: true };
      } catch (error) {
        if (error instanceof NoConfirmedSubscription) {
          // The operations team is alarmed on this message (BreachReporting): nobody would receive the notice.
          deps.logger.error(NOTICE_HELD, { recordId, tenantId, topicArn: error.topicArn });
        } else {
          deps.logger.warn('controller notification failed; will be retried', { recordId, tenantId, error: error as Error });
        }
        return { tenantId, done: false };
      }
    }),
  );
  return {
    notified: outcomes.filter((outcome) => outcome.done).map((outcome) => outcome.tenantId),
    pending: outcomes.filter((outcome) => !outcome.done).map((outcome) => outcome.tenantId),
  };
}

async function notify(deps: NotifyDependencies, stored: StoredRecord, tenantId: string): Promise<void> {
  const { recordId } = stored.record;
  const notice = renderBreachNotice(stored, tenantId);
  const topicArn = deps.topicArnOf(tenantId);
  if ((await confirmedSubscriptions(deps.sns, topicArn)) === 0) throw new NoConfirmedSubscription(topicArn);
  const { MessageId } = await deps.sns.send(new PublishCommand({ TopicArn: topicArn, Subject: notice.subject, Message: notice.body }));
  await deps.register.recordNotification({
    recordId, tenantId, topicArn, messageId: MessageId ?? 'unknown', publishedAt: deps.now().toISOString(), ...notice,
  });
  deps.logger.info('controller notified', { recordId, tenantId, messageId: MessageId });
}
