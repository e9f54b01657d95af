/**
 * Where things live in the breach register bucket, shared by the CDK constructs (which scope IAM
 * permissions to these prefixes), the functions and the CLI, so the three cannot drift.
 *
 *   breaches/<yyyy>/<mm>/<dd>/<recordId>.json        one immutable record per report (date = detection date, UTC)
 *   notifications/<recordId>/<tenantId>.json        proof that the controller was sent the notice (and what it said)
 *
 * A record id is `BR-<yyyymmdd>-<reportId>`: derived from the client's report id and the detection date,
 * so a retried report always lands on the same key (idempotency) and the key can be rebuilt from the id.
 */
export const RECORD_PREFIX = 'breaches/';
export const NOTIFICATION_PREFIX = 'notifications/';

/** The client-chosen idempotency id: 8–40 letters, digits, '-' or '_' (a UUID fits). */
export const REPORT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{7,39}$';
export const RECORD_ID_PATTERN = '^BR-[0-9]{8}-[A-Za-z0-9][A-Za-z0-9_-]{7,39}$';
const RECORD_ID = /^BR-(\d{4})(\d{2})(\d{2})-([A-Za-z0-9][A-Za-z0-9_-]{7,39})$/;

export function recordIdFor(reportId: string, detectedAt: string): string {
  const day = new Date(detectedAt).toISOString().slice(0, 10).replaceAll('-', '');
  return `BR-${day}-${reportId}`;
}

export function isRecordId(value: string): boolean {
  return RECORD_ID.test(value);
}

export function recordKey(recordId: string): string {
  const match = RECORD_ID.exec(recordId);
  if (!match) throw new Error(`Not a breach record id: ${recordId}`);
  const [, year, month, day] = match;
  return `${RECORD_PREFIX}${year}/${month}/${day}/${recordId}.json`;
}

/** The record id of a record key, or undefined for any other object in the bucket. */
export function recordIdOfKey(key: string): string | undefined {
  const match = /^breaches\/\d{4}\/\d{2}\/\d{2}\/(BR-[^/]+)\.json$/.exec(key);
  return match && isRecordId(match[1]!) ? match[1] : undefined;
}

export function notificationPrefix(recordId: string): string {
  return `${NOTIFICATION_PREFIX}${recordId}/`;
}

export function notificationKey(recordId: string, tenantId: string): string {
  return `${notificationPrefix(recordId)}${tenantId}.json`;
}
