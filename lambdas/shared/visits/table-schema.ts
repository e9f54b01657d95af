/**
 * The visits table's key design, shared by the CDK table, the data-access code and the local server,
 * so the three cannot drift.
 *
 * Every key starts with the tenant id: the data-access layer only ever builds keys from the tenant the
 * caller's API key maps to, so no request of one tenant can address another tenant's items.
 *   pk          = TENANT#<tenantId>#<shard>                 (shard = hash of the visit id mod the shard count)
 *   sk          = VISIT#<ISO-8601 timestamp>#<visitId>      (sorts by time: newest first with ScanIndexForward=false)
 *   visitorKey  = TENANT#<tenantId>#IP#<HMAC pseudonym>     (GSI partition: access/erasure per data subject)
 *   expiresAt   = epoch seconds; DynamoDB TTL deletes the item after the retention period
 * Tenant ids cannot contain `#` (see TENANT_ID_PATTERN), so one tenant's prefix is never another's.
 */
export const VISITS_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  visitorIndex: { name: 'byVisitor', partitionKey: 'visitorKey', sortKey: 'sk', projection: 'KEYS_ONLY' },
} as const;

export const VISIT_SORT_KEY_PREFIX = 'VISIT#';

/** The tenant's key prefix; before sharding (layout 1) it was the partition key of all of its visits. */
export const tenantPartitionKey = (tenantId: string) => `TENANT#${tenantId}`;

/**
 * DynamoDB gives one partition key about 1,000 write units per second, and a key whose writes always
 * go to the newest end of its sort order cannot be split by adaptive capacity. A tenant's visits are
 * therefore spread over `shards` partition keys. 8 allows ~8,000 visits per second for one tenant (a
 * visit is one write unit) — twice the "few thousand page views per second" of a large site — while a
 * listing page costs one query per shard. Raise it for a bigger tenant; never lower it (visits in the
 * dropped shards would stop being listed until they expire; offboarding still finds them).
 */
export const DEFAULT_VISIT_SHARDS = 8;
/** The most shards a deployment may configure; offboarding looks at every one of them. */
export const MAX_VISIT_SHARDS = 32;

export const visitPartitionKey = (tenantId: string, shard: number) => `${tenantPartitionKey(tenantId)}#${shard}`;

/**
 * The shard of a visit, from its id (FNV-1a): spread evenly over random ids, and the same for the same
 * visit, so a retried write meets its own earlier attempt and the conditional put refuses a second copy.
 */
export function visitShard(visitId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < visitId.length; i++) hash = Math.imul(hash ^ visitId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shards;
}

/**
 * Every partition key a tenant's visits can be under, whatever shard count was ever configured: the
 * unsharded layout, then every possible shard. Offboarding exports and deletes all of them.
 */
export const allTenantPartitionKeys = (tenantId: string): string[] => [
  tenantPartitionKey(tenantId),
  ...Array.from({ length: MAX_VISIT_SHARDS }, (_, shard) => visitPartitionKey(tenantId, shard)),
];

/** `visitedAt` must be Date#toISOString() output: fixed width, so text order is time order. */
export const visitSortKey = (visitedAt: string, visitId: string) => `${VISIT_SORT_KEY_PREFIX}${visitedAt}#${visitId}`;

/** The lowest sort key at or after an instant: bounds of a time-window query. */
export const visitSortKeyBound = (instant: Date) => `${VISIT_SORT_KEY_PREFIX}${instant.toISOString()}`;

export const visitorKey = (tenantId: string, pseudonym: string) => `${tenantPartitionKey(tenantId)}#IP#${pseudonym}`;

/**
 * The per-site ceiling of the public collector counts page views per site and minute in this table too:
 *   pk = SITE#<tenantId>#<siteId>, sk = MINUTE#<epoch minute>, pageViews = count, expiresAt = TTL
 * One partition per site, so one site's flood never contends with another site's or a tenant's visits.
 * The item holds no personal data and expires minutes after its minute (TTL).
 */
export const siteMinuteKey = (tenantId: string, siteId: string, epochMinute: number) => ({
  [VISITS_TABLE.partitionKey]: `SITE#${tenantId}#${siteId}`,
  [VISITS_TABLE.sortKey]: `MINUTE#${epochMinute}`,
});

/** VISIT_SHARDS as set by the stack: partition keys per tenant, 1 to MAX_VISIT_SHARDS. */
export function visitShardsFrom(text: string): number {
  const shards = Number(text);
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_VISIT_SHARDS) throw new Error(`VISIT_SHARDS must be a whole number from 1 to ${MAX_VISIT_SHARDS}`);
  return shards;
}
