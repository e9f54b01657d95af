import { limitDays, limitSetting, yearsInDays, type RetentionBasis, type RetentionLimits } from './retention-limits.js';
import { isObject, type ResourceRef, type TemplateIndex } from './stack-templates.js';

/** How records leave a store. */
export type Expiry =
  | { readonly kind: 'after-days'; readonly days: number; readonly how: string }
  | { readonly kind: 'item-ttl'; readonly attribute: string }
  | { readonly kind: 'not-stored'; readonly how: string }
  | { readonly kind: 'never'; readonly why: string }
  | { readonly kind: 'unchecked'; readonly why: string };

/** One place in the templates where data rests, with the retention that governs it and what it actually keeps. */
export interface RetainedStore {
  readonly resource: ResourceRef;
  /** What kind of store, e.g. 'CloudWatch Logs log group', 'DynamoDB point-in-time recovery'. */
  readonly store: string;
  readonly basis: RetentionBasis;
  /** Why this basis applies, for the reader of a report. */
  readonly basisReason: string;
  /** The configured limit in days. */
  readonly limitDays: number;
  readonly expiry: Expiry;
  /** Why the store breaks its limit; empty when it keeps nothing longer than allowed. */
  readonly problems: readonly string[];
}

/** Resource types that can hold personal data but have no retention rule here yet: they fail closed. */
export const UNSUPPORTED_STORE_TYPES: readonly string[] = [
  'AWS::DynamoDB::GlobalTable',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::DocDB::DBCluster',
  'AWS::Neptune::DBCluster',
  'AWS::EFS::FileSystem',
  'AWS::FSx::FileSystem',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::ServerlessCache',
  'AWS::MemoryDB::Cluster',
  'AWS::OpenSearchService::Domain',
  'AWS::Elasticsearch::Domain',
  'AWS::OpenSearchServerless::Collection',
  'AWS::Timestream::Table',
  'AWS::S3Express::DirectoryBucket',
  'AWS::Backup::BackupPlan',
  'AWS::Backup::BackupVault',
  'AWS::Glue::Table',
  'AWS::Athena::WorkGroup',
  'AWS::Logs::Destination',
  'AWS::MSK::Cluster',
  'AWS::AmazonMQ::Broker',
];

const DAY_SECONDS = 86_400;
const SQS_DEFAULT_RETENTION_SECONDS = 345_600;
const KINESIS_DEFAULT_RETENTION_HOURS = 24;
const PITR_DEFAULT_RECOVERY_DAYS = 35;
/** Firehose keeps undeliverable data for up to 24 hours before giving up. */
const FIREHOSE_BUFFER_DAYS = 1;

/** Every store of every template, classified and checked against the configured retentions. */
export function describeRetainedStores(index: TemplateIndex, limits: RetentionLimits): RetainedStore[] {
  const audit = auditStores(index);
  return [
    ...logGroupStores(index, limits, audit),
    ...bucketStores(index, limits, audit),
    ...tableStores(index, limits),
    ...queueStores(index, limits),
    ...topicStores(index, limits),
    ...streamStores(index, limits),
    ...deliveryStreamStores(index, limits),
    ...unsupportedStores(index, limits),
  ];
}

const key = (ref: ResourceRef) => `${ref.stackName}/${ref.logicalId}`;

/**
 * Stores governed by the audit retention, found by structure rather than by name: the CloudWatch log
 * group and bucket a CloudTrail trail delivers to, and the server access-log buckets of audit and
 * Object Lock record buckets (who read the evidence is itself evidence).
 */
function auditStores(index: TemplateIndex): Map<string, string> {
  const audit = new Map<string, string>();
  for (const trail of index.resources('AWS::CloudTrail::Trail')) {
    const group = index.logGroup(trail, trail.properties.CloudWatchLogsLogGroupArn);
    if (group) audit.set(key(group), `CloudWatch Logs copy of the CloudTrail trail ${trail.logicalId}`);
    const bucket = index.target(trail, trail.properties.S3BucketName, 'AWS::S3::Bucket');
    if (bucket) audit.set(key(bucket), `delivery bucket of the CloudTrail trail ${trail.logicalId}`);
  }
  for (const bucket of index.resources('AWS::S3::Bucket')) {
    const logging = bucket.properties.LoggingConfiguration;
    if (!isObject(logging)) continue;
    const destination = index.target(bucket, logging.DestinationBucketName, 'AWS::S3::Bucket');
    if (!destination) continue;
    if (audit.has(key(bucket))) audit.set(key(destination), `server access logs of the audit bucket ${bucket.logicalId}`);
    else if (bucket.properties.ObjectLockEnabled === true) {
      audit.set(key(destination), `server access logs of the Object Lock record bucket ${bucket.logicalId}`);
    }
  }
  return audit;
}

function personalDataStore(
  resource: ResourceRef,
  store: string,
  limits: RetentionLimits,
  expiry: Expiry,
  basisReason: string,
): RetainedStore {
  return withProblems({ resource, store, basis: 'personal-data', basisReason, limitDays: limits.retentionDays, expiry }, []);
}

/** Adds the generic problems (no expiry, or a longer one than allowed) to the store-specific ones. */
function withProblems(store: Omit<RetainedStore, 'problems'>, specific: string[]): RetainedStore {
  const allowed = `the ${store.limitDays}-day limit (${limitSetting(store.basis)}, ${store.basis})`;
  const problems = [...specific];
  if (store.expiry.kind === 'never') problems.push(`${store.expiry.why}: nothing ever expires, but ${allowed} applies`);
  if (store.expiry.kind === 'after-days' && store.expiry.days > store.limitDays) {
    problems.push(`keeps data up to ${formatDays(store.expiry.days)} (${store.expiry.how}), longer than ${allowed}`);
  }
  return { ...store, problems };
}

function logGroupStores(index: TemplateIndex, limits: RetentionLimits, audit: Map<string, string>): RetainedStore[] {
  return [...index.resources('AWS::Logs::LogGroup')].map((group) => {
    const retention = group.properties.RetentionInDays;
    const expiry: Expiry =
      typeof retention === 'number'
        ? { kind: 'after-days', days: retention, how: 'CloudWatch Logs retention' }
        : { kind: 'never', why: 'no RetentionInDays (CloudWatch Logs keeps events forever)' };
    const auditReason = audit.get(key(group));
    const basis: RetentionBasis = auditReason ? 'audit-trail' : 'personal-data';
    return withProblems(
      {
        resource: group,
        store: 'CloudWatch Logs log group',
        basis,
        basisReason: auditReason ?? 'log events can carry request context of visitors',
        limitDays: limitDays(basis, limits),
        expiry,
      },
      [],
    );
  });
}

function bucketStores(index: TemplateIndex, limits: RetentionLimits, audit: Map<string, string>): RetainedStore[] {
  return [...index.resources('AWS::S3::Bucket')].map((bucket) => {
    const props = bucket.properties;
    const auditReason = audit.get(key(bucket));
    const objectLock = props.ObjectLockEnabled === true;
    const basis: RetentionBasis = auditReason ? 'audit-trail' : objectLock ? 'legal-record' : 'personal-data';
    const basisReason =
      auditReason ??
      (objectLock
        ? 'Object Lock bucket other than the audit trail: a legal record (the breach register, GDPR Art. 33(5)), kept for the configured record retention and then deleted'
        : 'objects (access logs, exports, records) can carry visitor addresses or pseudonyms');
    const limit = limitDays(basis, limits);
    const lockDays = objectLockDays(props);
    const specific =
      lockDays !== undefined && lockDays > limit
        ? [`Object Lock keeps every object ${formatDays(lockDays)}, longer than the ${limit}-day limit (${limitSetting(basis)})`]
        : [];
    const expiry = bucketExpiry(props, keyPrefixesOf(index, bucket));
    return withProblems({ resource: bucket, store: 'S3 bucket', basis, basisReason, limitDays: limit, expiry }, specific);
  });
}

/**
 * Template metadata of a bucket whose lifecycle rules are per prefix: every key prefix its writers may
 * use (their IAM grants are limited to these), each either expired by a rule of that prefix or kept on
 * purpose, with the reason (e.g. the published Art. 30 register). See lib/audit/audit-trail.ts.
 */
export const KEY_PREFIXES_METADATA = 'EuIpEnrichment::KeyPrefixes';
export type KeyPrefixes = Readonly<Record<string, { readonly keptBecause?: string }>>;

function keyPrefixesOf(index: TemplateIndex, bucket: ResourceRef): KeyPrefixes | undefined {
  const resource = index.stacks.find((stack) => stack.stackName === bucket.stackName)?.template.Resources?.[bucket.logicalId];
  const metadata = isObject(resource) && isObject(resource.Metadata) ? resource.Metadata[KEY_PREFIXES_METADATA] : undefined;
  return isObject(metadata) ? (metadata as KeyPrefixes) : undefined;
}

/**
 * The longest an object can rest in the bucket under its lifecycle rules. In a versioned bucket,
 * expiring the current version only adds a delete marker: the data stays as a noncurrent version
 * until the noncurrent expiration removes it, so the two add up. A bucket with declared key prefixes
 * is checked prefix by prefix; its kept prefixes are named in the description.
 */
function bucketExpiry(props: Readonly<Record<string, unknown>>, prefixes: KeyPrefixes | undefined): Expiry {
  if (prefixes === undefined) return rulesExpiry(props, lifecycleRules(props).filter(appliesToWholeBucket));
  const expiring = Object.keys(prefixes).filter((prefix) => prefixes[prefix]!.keptBecause === undefined);
  const perPrefix = expiring.map((prefix) => ({
    prefix,
    expiry: rulesExpiry(props, lifecycleRules(props).filter((rule) => appliesToWholeBucket(rule) || coversPrefix(rule, prefix))),
  }));
  const never = perPrefix.find((p) => p.expiry.kind !== 'after-days');
  if (never) return { kind: 'never', why: `objects under ${never.prefix}: ${never.expiry.kind === 'never' ? never.expiry.why : 'unchecked'}` };
  const longest = Math.max(...perPrefix.map((p) => (p.expiry as { days: number }).days));
  const kept = Object.entries(prefixes).filter(([, p]) => p.keptBecause !== undefined).map(([prefix, p]) => `${prefix} is kept: ${p.keptBecause}`);
  return {
    kind: 'after-days',
    days: longest,
    how: [...perPrefix.map((p) => `${p.prefix}: ${(p.expiry as { how: string }).how}`), ...kept].join('; '),
  };
}

function coversPrefix(rule: Record<string, unknown>, prefix: string): boolean {
  const rulePrefix = typeof rule.Prefix === 'string' ? rule.Prefix : undefined;
  const empty = (value: unknown) => value === undefined || (Array.isArray(value) && value.length === 0);
  return rulePrefix !== undefined && prefix.startsWith(rulePrefix) && empty(rule.TagFilters) && rule.ObjectSizeGreaterThan === undefined && rule.ObjectSizeLessThan === undefined;
}

function rulesExpiry(props: Readonly<Record<string, unknown>>, rules: Array<Record<string, unknown>>): Expiry {
  const current = minimum(rules.map((rule) => rule.ExpirationInDays));
  if (current === undefined) return { kind: 'never', why: 'no lifecycle rule expires every object' };
  const versioning = isObject(props.VersioningConfiguration) ? props.VersioningConfiguration.Status : undefined;
  const versioned = versioning === 'Enabled' || versioning === 'Suspended' || props.ObjectLockEnabled === true;
  if (!versioned) return { kind: 'after-days', days: current, how: `lifecycle expiration after ${current} days` };
  const noncurrent = minimum(
    rules
      .filter((rule) => !(isObject(rule.NoncurrentVersionExpiration) && rule.NoncurrentVersionExpiration.NewerNoncurrentVersions))
      .map((rule) => (isObject(rule.NoncurrentVersionExpiration) ? rule.NoncurrentVersionExpiration.NoncurrentDays : rule.NoncurrentVersionExpirationInDays)),
  );
  if (noncurrent === undefined) return { kind: 'never', why: 'versioned, but no lifecycle rule removes noncurrent versions' };
  return {
    kind: 'after-days',
    days: current + noncurrent,
    how: `versioned: current version expires after ${current} days, then its noncurrent version after ${noncurrent} more`,
  };
}

function lifecycleRules(props: Readonly<Record<string, unknown>>): Array<Record<string, unknown>> {
  const config = props.LifecycleConfiguration;
  const rules = isObject(config) && Array.isArray(config.Rules) ? config.Rules : [];
  return rules.filter(isObject).filter((rule) => rule.Status === 'Enabled');
}

function appliesToWholeBucket(rule: Record<string, unknown>): boolean {
  const empty = (value: unknown) => value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
  return empty(rule.Prefix) && empty(rule.TagFilters) && rule.ObjectSizeGreaterThan === undefined && rule.ObjectSizeLessThan === undefined;
}

function objectLockDays(props: Readonly<Record<string, unknown>>): number | undefined {
  const config = props.ObjectLockConfiguration;
  const rule = isObject(config) && isObject(config.Rule) && isObject(config.Rule.DefaultRetention) ? config.Rule.DefaultRetention : undefined;
  if (rule === undefined) return undefined;
  if (typeof rule.Days === 'number') return rule.Days;
  if (typeof rule.Years === 'number') return yearsInDays(rule.Years);
  return undefined;
}

function tableStores(index: TemplateIndex, limits: RetentionLimits): RetainedStore[] {
  return [...index.resources('AWS::DynamoDB::Table')].flatMap((table) => {
    const ttl = table.properties.TimeToLiveSpecification;
    const ttlOn = isObject(ttl) && ttl.Enabled === true && typeof ttl.AttributeName === 'string';
    const items = personalDataStore(
      table,
      'DynamoDB table',
      limits,
      ttlOn ? { kind: 'item-ttl', attribute: ttl.AttributeName as string } : { kind: 'never', why: 'no TTL (TimeToLiveSpecification) enabled' },
      'items can hold pseudonymised visitor data',
    );
    const pitr = table.properties.PointInTimeRecoverySpecification;
    if (!(isObject(pitr) && pitr.PointInTimeRecoveryEnabled === true)) return [items];
    const recoveryDays = typeof pitr.RecoveryPeriodInDays === 'number' ? pitr.RecoveryPeriodInDays : PITR_DEFAULT_RECOVERY_DAYS;
    const backups = personalDataStore(
      table,
      'DynamoDB point-in-time recovery',
      limits,
      { kind: 'after-days', days: recoveryDays, how: 'PITR recovery period: deleted and expired items stay restorable this long' },
      'a backup of the table: the recovery window must not outlast the data retention',
    );
    return [items, backups];
  });
}

function queueStores(index: TemplateIndex, limits: RetentionLimits): RetainedStore[] {
  return [...index.resources('AWS::SQS::Queue')].map((queue) => {
    const configured = queue.properties.MessageRetentionPeriod;
    const seconds = typeof configured === 'number' ? configured : SQS_DEFAULT_RETENTION_SECONDS;
    const how = typeof configured === 'number' ? 'MessageRetentionPeriod' : 'SQS default MessageRetentionPeriod';
    return personalDataStore(queue, 'SQS queue', limits, { kind: 'after-days', days: seconds / DAY_SECONDS, how }, 'messages can carry request context');
  });
}

function topicStores(index: TemplateIndex, limits: RetentionLimits): RetainedStore[] {
  return [...index.resources('AWS::SNS::Topic')].map((topic) => {
    const archive = topic.properties.ArchivePolicy;
    const archiveDays = isObject(archive) && archive.MessageRetentionPeriod !== undefined ? Number(archive.MessageRetentionPeriod) : undefined;
    const expiry: Expiry =
      archiveDays === undefined
        ? { kind: 'not-stored', how: 'delivered to subscribers, then discarded (no message archive)' }
        : { kind: 'after-days', days: archiveDays, how: 'message archive retention' };
    return personalDataStore(topic, 'SNS topic', limits, expiry, 'messages can carry request context');
  });
}

function streamStores(index: TemplateIndex, limits: RetentionLimits): RetainedStore[] {
  return [...index.resources('AWS::Kinesis::Stream')].map((stream) => {
    const hours = typeof stream.properties.RetentionPeriodHours === 'number' ? stream.properties.RetentionPeriodHours : KINESIS_DEFAULT_RETENTION_HOURS;
    return personalDataStore(stream, 'Kinesis data stream', limits, { kind: 'after-days', days: hours / 24, how: 'RetentionPeriodHours' }, 'records can carry request context');
  });
}

function deliveryStreamStores(index: TemplateIndex, limits: RetentionLimits): RetainedStore[] {
  return [...index.resources('AWS::KinesisFirehose::DeliveryStream')].map((stream) => {
    const destination = stream.properties.ExtendedS3DestinationConfiguration ?? stream.properties.S3DestinationConfiguration;
    const bucketArn = isObject(destination) ? destination.BucketARN : undefined;
    const specific =
      index.target(stream, bucketArn, 'AWS::S3::Bucket') === undefined
        ? ['delivers to a destination outside the templates (only S3 buckets defined here can be checked for retention)']
        : [];
    return withProblems(
      {
        resource: stream,
        store: 'Firehose delivery stream',
        basis: 'personal-data',
        basisReason: 'buffers records before delivery',
        limitDays: limits.retentionDays,
        expiry: { kind: 'after-days', days: FIREHOSE_BUFFER_DAYS, how: 'undeliverable records are kept up to 24 hours' },
      },
      specific,
    );
  });
}

function unsupportedStores(index: TemplateIndex, limits: RetentionLimits): RetainedStore[] {
  return [...index.resources()]
    .filter((resource) => UNSUPPORTED_STORE_TYPES.includes(resource.type))
    .map((resource) =>
      withProblems(
        {
          resource,
          store: resource.type,
          basis: 'personal-data',
          basisReason: 'a store that can hold personal data',
          limitDays: limits.retentionDays,
          expiry: { kind: 'unchecked', why: 'lib/retention has no retention rule for this type' },
        },
        [`${resource.type} can hold personal data, but lib/retention has no rule for its retention yet: add one before using it`],
      ),
    );
}

function minimum(values: unknown[]): number | undefined {
  const numbers = values.filter((value): value is number => typeof value === 'number');
  return numbers.length === 0 ? undefined : Math.min(...numbers);
}

export function formatDays(days: number): string {
  if (Number.isInteger(days)) return `${days} day${days === 1 ? '' : 's'}`;
  const hours = Math.round(days * 24);
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}
