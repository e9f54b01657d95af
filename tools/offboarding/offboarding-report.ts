import { createHmac, timingSafeEqual } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AppConfig } from '../../lib/config/app-config.js';
import { TTL_DELETION_DELAY_DAYS } from '../../lib/retention/retention-limits.js';
import { COUNTER_LIFETIME_DAYS } from '../../lambdas/data-subject-requests/request-counters.js';

/** What is left of a tenant after its offboarding, where, and until when it goes. */
export interface Remnant {
  readonly what: string;
  readonly where: string;
  /** ISO 8601: the latest moment it can still exist. */
  readonly until: string;
  readonly why: string;
}

const DAY_MS = 86_400_000;
const after = (from: Date, days: number) => new Date(from.getTime() + days * DAY_MS).toISOString();

type RetentionSettings = Pick<AppConfig, 'retentionDays' | 'pointInTimeRecoveryDays' | 'auditLogRetentionDays' | 'breachRecordRetentionYears'>;

/** Everything that outlives the offboarding by design, with its end date counted from `at`. */
export function remnants(config: RetentionSettings, at: Date): Remnant[] {
  return [
    {
      what: 'Point-in-time-recovery copies of the deleted visits (pseudonymised; the pseudonym key is destroyed)',
      where: 'DynamoDB PITR of the visits table',
      until: after(at, config.pointInTimeRecoveryDays),
      why: `the recovery window (pointInTimeRecoveryDays: ${config.pointInTimeRecoveryDays}); nothing older can be restored`,
    },
    {
      what: 'Function and API log lines of the tenant’s requests (tenant id, visit ids; never addresses)',
      where: 'CloudWatch Logs of the functions, API Gateway access/execution logs, WAF logs',
      until: after(at, config.retentionDays),
      why: `log retention (retentionDays: ${config.retentionDays})`,
    },
    {
      what: 'Audit trail events naming the tenant’s keys and secrets, and item events by principals other than the service functions',
      where: 'CloudTrail trail bucket (Object Lock) and its CloudWatch Logs copy',
      until: after(at, config.auditLogRetentionDays),
      why: `audit retention (auditLogRetentionDays: ${config.auditLogRetentionDays}); locked, cannot be deleted earlier`,
    },
    {
      what: 'Breach records naming the tenant, if any',
      where: 'breach register bucket (Object Lock COMPLIANCE)',
      until: after(at, Math.ceil(config.breachRecordRetentionYears * 365.25)),
      why: `GDPR Art. 33(5) documentation duty (breachRecordRetentionYears: ${config.breachRecordRetentionYears})`,
    },
    {
      what: 'Daily data-subject-request counters (hashed senders)',
      where: 'request counters table',
      until: after(at, COUNTER_LIFETIME_DAYS + TTL_DELETION_DELAY_DAYS),
      why: `item TTL (${COUNTER_LIFETIME_DAYS} days) + TTL deletion delay (${TTL_DELETION_DELAY_DAYS} days)`,
    },
    {
      what: 'This offboarding report',
      where: 'audit trail bucket, offboarding/',
      until: after(at, config.auditLogRetentionDays),
      why: 'evidence of the end of contract (DPA 12.3), under the audit retention',
    },
  ];
}

/** A report and its signature: HMAC-SHA256 (hex) over the report's canonical JSON, keyed with the stack's report key. */
export interface SignedReport<T> {
  readonly report: T;
  readonly signature: { readonly algorithm: 'HMAC-SHA256'; readonly keyName: string; readonly value: string };
}

export function signReport<T>(report: T, key: string, keyName: string): SignedReport<T> {
  return { report, signature: { algorithm: 'HMAC-SHA256', keyName, value: mac(report, key) } };
}

export function verifyReport<T>(signed: SignedReport<T>, key: string): boolean {
  const expected = Buffer.from(mac(signed.report, key));
  const given = Buffer.from(signed.signature.value);
  return signed.signature.algorithm === 'HMAC-SHA256' && expected.length === given.length && timingSafeEqual(expected, given);
}

const mac = (report: unknown, key: string) => createHmac('sha256', key).update(canonicalJson(report)).digest('hex');

/** JSON with object keys sorted at every level: the same report always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `<stack>/offboarding-report-key`: the Secrets Manager secret reports are signed with (lib/audit/offboarding-report-key.ts). */
export const reportKeyNameOf = (stackName: string) => `${stackName}/offboarding-report-key`;

/** Where a tenant's report goes in the locked audit bucket. */
export const reportObjectKey = (tenantId: string, finishedAt: string) => `offboarding/${tenantId}/${finishedAt.replace(/[:.]/g, '-')}.json`;

/** Writes the signed report; the bucket's default Object Lock retention keeps it unalterable. */
export async function storeReport(s3: Pick<S3Client, 'send'>, bucket: string, key: string, signed: SignedReport<unknown>): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `${JSON.stringify(signed, null, 2)}\n`, ContentType: 'application/json' }));
}
