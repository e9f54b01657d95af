import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { VISITS_TABLE } from '../../lambdas/shared/visits/table-schema.js';
import type { Item, ItemKey } from './export-lines.js';

export interface TenantQuery {
  readonly client: DynamoDBClient;
  readonly table: string;
  /** The tenant's partition key values, in the order they are read (see tenantPartitions). */
  readonly partitions: readonly string[];
}

export interface TenantPage {
  readonly items: Item[];
  /**
   * Where the next page starts; undefined after the last page. A key with only the partition key
   * means "that partition from its start".
   */
  readonly nextKey: ItemKey | undefined;
}

const { partitionKey: PK } = VISITS_TABLE;
const KEY_CONDITION = {
  KeyConditionExpression: '#pk = :pk',
  ExpressionAttributeNames: { '#pk': PK },
} as const;

/**
 * One page of the tenant's items, partition after partition, each in sort-key order, read with strong
 * consistency: every write acknowledged before a page is read is in it. Only partition keys are used,
 * so the pages hold the tenant's items and nothing else.
 */
export async function queryTenantPage(
  query: TenantQuery,
  options: { startKey?: ItemKey; pageSize: number; keysOnly?: boolean },
): Promise<TenantPage> {
  let index = options.startKey === undefined ? 0 : query.partitions.indexOf(options.startKey[PK]?.S ?? '');
  if (index < 0) throw new Error('the start key is in none of the tenant partitions');
  let startKey = options.startKey?.[VISITS_TABLE.sortKey] === undefined ? undefined : options.startKey;
  const items: Item[] = [];
  while (items.length < options.pageSize) {
    const partition = query.partitions[index]!;
    const page = await query.client.send(
      new QueryCommand({
        TableName: query.table,
        ...KEY_CONDITION,
        ExpressionAttributeNames: options.keysOnly
          ? { ...KEY_CONDITION.ExpressionAttributeNames, '#sk': VISITS_TABLE.sortKey }
          : KEY_CONDITION.ExpressionAttributeNames,
        ...(options.keysOnly ? { ProjectionExpression: '#pk, #sk' } : {}),
        ExpressionAttributeValues: { ':pk': { S: partition } },
        ConsistentRead: true,
        Limit: options.pageSize - items.length,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      // Cannot happen with a key condition on pk; checked because a wrong item here would be deleted.
      if (item[PK]?.S !== partition) throw new Error('query returned an item of another partition');
      items.push(item);
    }
    if (page.LastEvaluatedKey) return { items, nextKey: page.LastEvaluatedKey };
    index++;
    if (index === query.partitions.length) return { items, nextKey: undefined };
    startKey = undefined;
  }
  return { items, nextKey: { [PK]: { S: query.partitions[index]! } } };
}

/** How many items the tenant has right now (strongly consistent counts over all partitions). */
export async function countTenantItems(query: TenantQuery): Promise<number> {
  const counts = await Promise.all(query.partitions.map((partition) => countPartitionItems(query, partition)));
  return counts.reduce((sum, count) => sum + count, 0);
}

async function countPartitionItems(query: TenantQuery, partition: string): Promise<number> {
  let count = 0;
  let startKey: ItemKey | undefined;
  do {
    const page = await query.client.send(
      new QueryCommand({
        TableName: query.table,
        ...KEY_CONDITION,
        ExpressionAttributeValues: { ':pk': { S: partition } },
        ConsistentRead: true,
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}
