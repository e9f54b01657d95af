import type { BatchWriteItemCommand, WriteRequest } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { deleteKeys } from '../../tools/offboarding/batch-delete.js';

/**
 * Unit test with a scripted client: DynamoDB Local never throttles, so UnprocessedItems (what
 * DynamoDB returns under throttling) cannot be produced against it. The real BatchWriteItem path is
 * covered by offboarding.test.ts.
 */
function throttlingClient(unprocessedPerCall: number[]) {
  const calls: WriteRequest[][] = [];
  return {
    calls,
    send: async (command: BatchWriteItemCommand) => {
      const requests = command.input.RequestItems!.t!;
      calls.push(requests);
      const keep = unprocessedPerCall.shift() ?? 0;
      return { UnprocessedItems: keep > 0 ? { t: requests.slice(0, keep) } : {} };
    },
  };
}

const keys = (count: number, partition = 'TENANT#acme') =>
  Array.from({ length: count }, (_, i) => ({ pk: { S: partition }, sk: { S: `VISIT#${String(i).padStart(4, '0')}` } }));

describe('deleteKeys', () => {
  it('sends batches of 25 and retries unprocessed items with growing delays until none are left', async () => {
    const client = throttlingClient([10, 3, 0]);
    const delays: number[] = [];
    await deleteKeys(keys(25), { client: client as never, table: 't', partitions: ['TENANT#acme'], sleep: async (ms) => void delays.push(ms) });

    expect(client.calls.map((requests) => requests.length)).toEqual([25, 10, 3]);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(25); // 50 ms ceiling, half of it fixed
    expect(delays[1]).toBeGreaterThanOrEqual(50); // doubled
  });

  it('splits 60 keys into 25 + 25 + 10', async () => {
    const client = throttlingClient([]);
    await deleteKeys(keys(60), { client: client as never, table: 't', partitions: ['TENANT#acme'] });
    expect(client.calls.map((requests) => requests.length).sort()).toEqual([10, 25, 25]);
  });

  it('gives up after maxAttempts, saying how many deletes are left', async () => {
    const client = throttlingClient([5, 5, 5]);
    await expect(
      deleteKeys(keys(5), { client: client as never, table: 't', partitions: ['TENANT#acme'], maxAttempts: 3, sleep: async () => {} }),
    ).rejects.toThrow('5 deletes still unprocessed after 3 attempts');
  });

  it('refuses a key of another partition before sending anything', async () => {
    const client = throttlingClient([]);
    await expect(
      deleteKeys([...keys(3), ...keys(1, 'TENANT#globex')], { client: client as never, table: 't', partitions: ['TENANT#acme'] }),
    ).rejects.toThrow('outside the tenant partition');
    expect(client.calls).toEqual([]);
  });
});
