/**
 * The visits table's key design, shared by the CDK table, the data-access code and the local server,
 * so the three cannot drift.
 *
 * Every key starts with the tenant id: the data-access layer only ever builds keys from the tenant the
 * caller's API key maps to, so no request of one tenant can address another tenant's items.
 *   pk          = TENANT#<tenantId>
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

export const tenantPartitionKey = (tenantId: string) => `TENANT#${tenantId}`;

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
