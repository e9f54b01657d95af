import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { ChangeLedger } from '../../lib/compliance/change-ledger.js';
import type { InstructionFinding } from '../../lib/compliance/instruction-review.js';
import type { AppConfig } from '../../lib/config/app-config.js';
import { changeNoticeMessage, instructionWarningMessage } from './notice-messages.js';

export interface SendContext {
  readonly sns: SNSClient;
  readonly config: Pick<AppConfig, 'processor' | 'tenants'>;
  /** The controller's notice topic (lib/breach/breach-alert-topics.ts). */
  readonly topicArnOf: (tenantId: string) => string;
  readonly now: Date;
}

/**
 * Publishes every recorded notice not yet sent to every controller's notice topic, and every
 * instruction warning not yet sent to its controller's topic. Returns the ledger with what was sent;
 * a notice counts as sent only when every controller's publication succeeded (a failure throws, and
 * the caller writes nothing, so the next run sends it again).
 */
export async function sendPending(ledger: ChangeLedger, warnings: readonly InstructionFinding[], context: SendContext): Promise<ChangeLedger> {
  const nameOf = new Map(context.config.tenants.map((t) => [t.id, t.name]));
  const publish = async (tenantId: string, message: { subject: string; body: string }) => {
    const result = await context.sns.send(new PublishCommand({ TopicArn: context.topicArnOf(tenantId), Subject: message.subject, Message: message.body }));
    return result.MessageId!;
  };
  const notices = [];
  for (const notice of ledger.notices) {
    if (notice.sent) {
      notices.push(notice);
      continue;
    }
    const messageIds: Record<string, string> = {};
    for (const tenant of context.config.tenants) {
      messageIds[tenant.id] = await publish(tenant.id, changeNoticeMessage(notice, context.config.processor, tenant.name));
    }
    notices.push({ ...notice, sent: { at: context.now.toISOString(), messageIds } });
  }
  const sentWarnings = [...ledger.sentWarnings];
  for (const warning of warnings) {
    if (sentWarnings.some((s) => s.tenantId === warning.tenantId && s.instruction === warning.instruction && s.reason === warning.reason)) continue;
    const messageId = await publish(warning.tenantId, instructionWarningMessage(warning, context.config.processor, nameOf.get(warning.tenantId) ?? warning.tenantId));
    sentWarnings.push({ ...warning, sentAt: context.now.toISOString(), messageId });
  }
  return { ...ledger, notices, sentWarnings };
}
