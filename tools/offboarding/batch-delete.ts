import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { VISITS_TABLE } from '../../lambdas/shared/visits/table-schema.js';
import { backoffDelay, sleep } from '../../lambdas/shared/retry/backoff.js';
import type { ItemKey } from './export-lines.js';

/** BatchWriteItem takes at most 25 requests. */
export const BATCH_SIZE = 25;

export interface BatchDeleteOptions {
  readonly client: Pick<DynamoDBClient, 'send'>;
  readonly table: string;
  /** Every key must be in one of these partitions (the tenant's): the last guard before anything is deleted. */
  readonly partitions: readonly string[];
  /** Batches in flight at once. @default 4 */
  readonly concurrency?: number;
  /** Calls per batch before unprocessed items count as a failure. @default 10 */
  readonly maxAttempts?: number;
  /** First backoff delay; it doubles per attempt (with jitter), capped at 5 s. @default 50 */
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const MAX_DELAY_MS = 5_000;

/**
 * Deletes the given keys with BatchWriteItem, retrying UnprocessedItems (DynamoDB returns them under
 * throttling) with exponential backoff and jitter. Deleting a key that is already gone succeeds,
 * so a retried or resumed run is harmless. Throws if a batch is still unprocessed after maxAttempts.
 */
export async function deleteKeys(keys: readonly ItemKey[], options: BatchDeleteOptions): Promise<void> {
  for (const key of keys) {
    if (!options.partitions.includes(key[VISITS_TABLE.partitionKey]?.S ?? '')) throw new Error('refusing to delete a key outside the tenant partitions');
  }
  const batches: ItemKey[][] = [];
  for (let i = 0; i < keys.length; i += BATCH_SIZE) batches.push(keys.slice(i, i + BATCH_SIZE));
  const concurrency = options.concurrency ?? 4;
  for (let i = 0; i < batches.length; i += concurrency) {
    await Promise.all(batches.slice(i, i + concurrency).map((batch) => deleteBatch(batch, options)));
  }
}

async function deleteBatch(batch: ItemKey[], options: BatchDeleteOptions): Promise<void> {
  const pause = options.sleep ?? sleep;
  const maxAttempts = options.maxAttempts ?? 10;
  const baseDelayMs = options.baseDelayMs ?? 50;
  let pending: WriteRequest[] = batch.map((Key) => ({ DeleteRequest: { Key } }));
  for (let attempt = 1; ; attempt++) {
    const result = await options.client.send(new BatchWriteItemCommand({ RequestItems: { [options.table]: pending } }));
    pending = result.UnprocessedItems?.[options.table] ?? [];
    if (pending.length === 0) return;
    if (attempt >= maxAttempts) {
      throw new Error(`${pending.length} deletes still unprocessed after ${maxAttempts} attempts (table throttled?); re-run to resume`);
    }
    await pause(backoffDelay(attempt, { baseDelayMs, maxDelayMs: MAX_DELAY_MS }));
  }
}
