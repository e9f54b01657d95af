/**
 * How S3 applies a bucket's lifecycle configuration (as written in a CloudFormation template) to one
 * object: written independently of lib/retention so a test can check that code's conclusions. Covers
 * what the templates use: Prefix filters, ExpirationInDays and NoncurrentVersionExpiration.
 */
export interface LifecycleRule {
  readonly Status: string;
  readonly Prefix?: string;
  readonly ExpirationInDays?: number;
  readonly NoncurrentVersionExpiration?: { readonly NoncurrentDays: number };
}

/** The day (counted from the object's creation) on which the object's data is gone, or undefined for never. */
export function dayDataIsGone(rules: readonly LifecycleRule[], key: string, versioned: boolean): number | undefined {
  const applying = rules.filter((rule) => rule.Status === 'Enabled' && key.startsWith(rule.Prefix ?? ''));
  const expirations = applying.flatMap((rule) => (rule.ExpirationInDays === undefined ? [] : [rule.ExpirationInDays]));
  if (expirations.length === 0) return undefined;
  const current = Math.min(...expirations);
  if (!versioned) return current;
  const noncurrent = applying.flatMap((rule) => (rule.NoncurrentVersionExpiration ? [rule.NoncurrentVersionExpiration.NoncurrentDays] : []));
  return noncurrent.length === 0 ? undefined : current + Math.min(...noncurrent);
}
