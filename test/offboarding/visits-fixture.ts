import { BatchWriteItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  allTenantPartitionKeys,
  tenantPartitionKey,
  visitPartitionKey,
  visitShard,
  visitorKey,
  visitSortKey,
} from '../../lambdas/shared/visits/table-schema.js';
import { countTenantItems } from '../../tools/offboarding/tenant-queries.js';

type Item = Record<string, AttributeValue>;

/**
 * Visit items shaped like the visits repository writes them (maps, nulls, numbers), every third one
 * with the visitor GSI key, and a few odd attribute types (sets, binary, lists) the export must keep.
 * Spread like a deployment that moved to sharding: every fourth in the unsharded partition (written
 * before), the rest over 8 shards, a few in shard 20 (a shard count since lowered).
 */
export function visitItems(tenantId: string, count: number): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < count; i++) {
    const visitedAt = new Date(Date.UTC(2026, 0, 1) + i * 61_000).toISOString();
    const visitId = `v${String(i).padStart(5, '0')}`;
    const item: Item = {
      pk: { S: i % 4 === 0 ? tenantPartitionKey(tenantId) : visitPartitionKey(tenantId, i % 50 === 13 ? 20 : visitShard(visitId, 8)) },
      sk: { S: visitSortKey(visitedAt, visitId) },
      tenantId: { S: tenantId },
      visitId: { S: visitId },
      siteId: { S: `site-${i % 3}` },
      pageUrl: { S: `https://www.${tenantId}.example/page/${i}` },
      referrer: i % 2 === 0 ? { NULL: true } : { S: 'https://search.example/?q=ip' },
      visitedAt: { S: visitedAt },
      expiresAt: { N: String(4_102_444_800 + i) }, // 2100: never expired by TTL during a test
      company: {
        M: {
          classification: { S: 'business' },
          organisation: { S: `Org ${i % 7}` },
          domain: i % 5 === 0 ? { NULL: true } : { S: `org${i % 7}.example` },
          asn: { M: { number: { N: String(64_500 + (i % 7)) }, organisation: { S: `AS Org ${i % 7}` } } },
          network: { S: `192.0.2.0/24` },
        },
      },
      database: { M: { type: { S: 'GeoLite2-ASN' }, buildDate: { S: '2026-01-01' } } },
    };
    if (i % 3 === 0) item.visitorKey = { S: visitorKey(tenantId, `pseudonym-${i % 11}`) };
    if (i % 50 === 7) Object.assign(item, { tags: { SS: ['b', 'a'] }, raw: { B: Buffer.from([0, 1, 2, 255]) }, flags: { L: [{ BOOL: true }, { N: '1.5' }] } });
    items.push(item);
  }
  return items;
}

export async function putItems(client: DynamoDBClient, table: string, items: readonly Item[]): Promise<void> {
  const batches: Item[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await Promise.all(
    batches.map(async (batch) => {
      let pending = batch.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
        pending = (result.UnprocessedItems?.[table] ?? []) as typeof pending;
      }
    }),
  );
}

export const SEEDED_TENANTS = { acme: 320, 'acme-eu': 140, globex: 260, initech: 210 } as const;

/** Several tenants, including one whose id starts with another's (acme / acme-eu). */
export async function seedTenants(client: DynamoDBClient, table: string): Promise<Record<string, Item[]>> {
  const seeded: Record<string, Item[]> = {};
  for (const [tenantId, count] of Object.entries(SEEDED_TENANTS)) seeded[tenantId] = visitItems(tenantId, count);
  await putItems(client, table, Object.values(seeded).flat());
  return seeded;
}

export async function tenantCounts(client: DynamoDBClient, table: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const tenantId of Object.keys(SEEDED_TENANTS)) {
    counts[tenantId] = await countTenantItems({ client, table, partitions: allTenantPartitionKeys(tenantId) });
  }
  return counts;
}

/** The order an export writes a tenant's items in: partition by partition (unsharded first, then shard 0, 1, …), each by sort key. */
export function inExportOrder(items: readonly Item[], tenantId: string): Item[] {
  const partitions = allTenantPartitionKeys(tenantId);
  const rank = (item: Item) => partitions.indexOf(item.pk!.S!);
  return [...items].sort((a, b) => rank(a) - rank(b) || (a.sk!.S! < b.sk!.S! ? -1 : 1));
}

/** How an item reads back from the export: binary as base64, set members sorted. */
export function asExported(item: Item): unknown {
  const convert = (value: AttributeValue): unknown => {
    if (value.B) return { B: Buffer.from(value.B).toString('base64') };
    if (value.SS) return { SS: [...value.SS].sort() };
    if (value.M) return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, convert(v)])) };
    if (value.L) return { L: value.L.map(convert) };
    return value;
  };
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, convert(v)]));
}
