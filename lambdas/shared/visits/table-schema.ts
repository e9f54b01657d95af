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
 */
export const VISITS_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  visitorIndex: { name: 'byVisitor', partitionKey: 'visitorKey', sortKey: 'sk' },
} as const;
