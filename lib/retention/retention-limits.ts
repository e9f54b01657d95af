import type { AppConfig } from '../config/app-config.js';

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
