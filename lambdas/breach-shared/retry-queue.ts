import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { isRecordId } from './register-layout.js';

/** Asks the notify function to finish notifying a stored record; it sends only what is still missing. */
export async function queueNotificationRetry(sqs: SQSClient, queueUrl: string, recordId: string): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ recordId }) }));
}

/** The record id of a retry message, or undefined when the message is not one of ours. */
export function recordIdOfRetryMessage(body: string): string | undefined {
  try {
    const { recordId } = JSON.parse(body) as { recordId?: unknown };
    return typeof recordId === 'string' && isRecordId(recordId) ? recordId : undefined;
  } catch {
    return undefined;
  }
}
