import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** Every retention CloudWatch Logs accepts, ascending (RetentionDays minus INFINITE). */
const LOG_RETENTION_STEPS = Object.values(RetentionDays)
  .filter((value): value is number => typeof value === 'number' && value !== RetentionDays.INFINITE)
  .sort((a, b) => a - b);

/**
 * The longest CloudWatch Logs retention that does not exceed the data retention: logs may be
 * dropped earlier than the data, never kept longer. Retention starts at 1 day, so any valid
 * configuration (1–3650 days) has an answer.
 */
export function logRetentionWithin(retentionDays: number): RetentionDays {
  const fitting = LOG_RETENTION_STEPS.filter((step) => step <= retentionDays);
  if (fitting.length === 0) throw new Error(`No CloudWatch Logs retention fits within ${retentionDays} days`);
  return fitting[fitting.length - 1] as RetentionDays;
}
