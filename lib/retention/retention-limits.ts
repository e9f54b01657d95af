import type { AppConfig } from '../config/app-config.js';

/**
 * How long DynamoDB may take to delete an item after its TTL has passed. AWS documents "typically
 * within a few days" (earlier: "within 48 hours") and promises no bound; 3 days is the figure this
 * deployment budgets. Reads filter out expired items meanwhile, except access requests, which show
 * every visit still held.
 */
export const TTL_DELETION_DELAY_DAYS = 3;

/** The tag a table declares its items' TTL lifetime with (in days), so the retention checker can add up every copy. */
export const ITEM_TTL_TAG = 'retention:item-ttl-days';

/**
 * Days an item may live before its TTL, so that it plus TTL's deletion delay plus the
 * point-in-time-recovery window (an expired item stays restorable that long) fit the retention.
 */
export function itemTtlDays(retentionDays: number, pointInTimeRecoveryDays: number): number {
  return retentionDays - TTL_DELETION_DELAY_DAYS - pointInTimeRecoveryDays;
}

/** The configured retentions every store is checked against (a subset of AppConfig, so a config fits). */
export type RetentionLimits = Pick<AppConfig, 'retentionDays' | 'auditLogRetentionDays' | 'breachRecordRetentionYears'>;

/**
 * Which configured retention governs a store:
 * - personal-data: anything that can hold a visitor IP or its pseudonym (visits, logs, queues) — retentionDays;
 * - audit-trail: the CloudTrail trail's bucket and CloudWatch copy, and the access logs of audit and record
 *   buckets — auditLogRetentionDays (the evidence auditors rely on must outlive a quarter's audit);
 * - legal-record: Object Lock buckets that are not the trail (the breach register, Art. 33(5)) —
 *   breachRecordRetentionYears.
 */
export type RetentionBasis = 'personal-data' | 'audit-trail' | 'legal-record';

export function limitDays(basis: RetentionBasis, limits: RetentionLimits): number {
  switch (basis) {
    case 'personal-data':
      return limits.retentionDays;
    case 'audit-trail':
      return limits.auditLogRetentionDays;
    case 'legal-record':
      return yearsInDays(limits.breachRecordRetentionYears);
  }
}

export function limitSetting(basis: RetentionBasis): string {
  switch (basis) {
    case 'personal-data':
      return 'retentionDays';
    case 'audit-trail':
      return 'auditLogRetentionDays';
    case 'legal-record':
      return 'breachRecordRetentionYears';
  }
}

/** The longest a span of whole calendar years can last in days (leap days included). */
export function yearsInDays(years: number): number {
  return Math.ceil(years * 365.25);
}
