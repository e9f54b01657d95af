import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { VISITS_TABLE } from '../../lambdas/shared/visits/table-schema.js';
import type { Item, ItemKey } from './export-lines.js';

export interface TenantQuery {
  readonly client: DynamoDBClient;
  readonly table: string;
  /** The tenant's partition key value (see tenantPartition). */
  readonly partition: string;
}

export interface TenantPage {
  readonly items: Item[];
  /** Where the next page starts; undefined after the last page. */
  readonly nextKey: ItemKey | undefined;
}

const KEY_CONDITION = {
  KeyConditionExpression: '#pk = :pk',
  ExpressionAttributeNames: { '#pk': VISITS_TABLE.partitionKey },
} as const;

/**
 * One page of the tenant's partition, in sort-key order, read with strong consistency: every write
 * acknowledged before the page is read is in it. Only the partition key is used, so the pages hold
 * the tenant's items and nothing else.
 */
export async function queryTenantPage(
  query: TenantQuery,
  options: { startKey?: ItemKey; pageSize: number; keysOnly?: boolean },
): Promise<TenantPage> {
  const page = await query.client.send(
    new QueryCommand({
      TableName: query.table,
      ...KEY_CONDITION,
      ExpressionAttributeNames: options.keysOnly
        ? { ...KEY_CONDITION.ExpressionAttributeNames, '#sk': VISITS_TABLE.sortKey }
        : KEY_CONDITION.ExpressionAttributeNames,
      ...(options.keysOnly ? { ProjectionExpression: '#pk, #sk' } : {}),
      ExpressionAttributeValues: { ':pk': { S: query.partition } },
      ConsistentRead: true,
      Limit: options.pageSize,
      ExclusiveStartKey: options.startKey,
    }),
  );
  const items = page.Items ?? [];
  for (const item of items) {
    // Cannot happen with a key condition on pk; checked because a wrong item here would be deleted.
    if (item[VISITS_TABLE.partitionKey]?.S !== query.partition) throw new Error('query returned an item of another partition');
  }
  return { items, nextKey: page.LastEvaluatedKey };
}

/** How many items the tenant has right now (strongly consistent count over all pages). */
export async function countTenantItems(query: TenantQuery): Promise<number> {
  let count = 0;
  let startKey: ItemKey | undefined;
  do {
    const page = await query.client.send(
      new QueryCommand({
        TableName: query.table,
        ...KEY_CONDITION,
        ExpressionAttributeValues: { ':pk': { S: query.partition } },
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
