import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { notifyAffectedTenants, type NotifyDependencies } from '../breach-shared/notify-tenants.js';
import { recordIdOfRetryMessage } from '../breach-shared/retry-queue.js';

/** The retry queue consumer: structured logs with the Lambda context around notifyPending. */
export function notifyPendingConsumer(deps: NotifyDependencies) {
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .handler((event) => notifyPending(deps, event));
}

/**
 * Finishes the notifications of stored breach records named by retry messages. A message stays on
 * the queue (batch item failure) while any controller is still unnotified; after the queue's
 * maxReceiveCount it moves to the dead-letter queue, whose alarm calls the operations team.
 */
export async function notifyPending(deps: NotifyDependencies, event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const message of event.Records) {
    const recordId = recordIdOfRetryMessage(message.body);
    try {
      if (!recordId) throw new Error('not a breach notification retry message');
      const stored = await deps.register.findRecord(recordId);
      if (!stored) throw new Error('the breach record named by the retry message does not exist');
      const { pending } = await notifyAffectedTenants(deps, stored);
      if (pending.length > 0) throw new Error(`controllers still unnotified: ${pending.join(', ')}`);
    } catch (error) {
      deps.logger.error('breach notification retry failed', { messageId: message.messageId, recordId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: message.messageId });
    }
  }
  return { batchItemFailures };
}
