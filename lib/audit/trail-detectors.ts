import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { BREAK_GLASS_PROTECTED_ACTIONS } from '../guardrails/region-deny-scp.js';

/**
 * A CloudTrail event worth an alarm, as a CloudWatch Logs filter pattern on the trail's log group.
 * The trail is multi-region with global service events, so its log group in this region also holds
 * the IAM and STS events that EventBridge would deliver only in us-east-1: the detectors see them
 * without anything deployed outside the EU.
 */
export interface TrailDetector {
  /** Construct id and metric name. */
  readonly id: string;
  /** What happened, for the alarm description (the operations team reads it). */
  readonly what: string;
  readonly eventSource: string;
  readonly eventNames: readonly string[];
  /** Event field (JSON path below `$.`) → accepted values (any of them; `*` is a wildcard). */
  readonly where?: Readonly<Record<string, readonly string[]>>;
  /** Event field → values that do not count (none of them may match). */
  readonly unless?: Readonly<Record<string, readonly string[]>>;
  /** Matching events in 5 minutes that are still normal. @default 0 */
  readonly threshold?: number;
}

/** The filter pattern of a detector: every condition must hold, any of a condition's values may match. */
export function filterPatternOf(detector: TrailDetector): string {
  const equals = (path: string, value: string, op: '=' | '!=') => `($.${path} ${op} "${value}")`;
  const anyOf = (path: string, values: readonly string[]) =>
    values.length === 1 ? equals(path, values[0]!, '=') : `(${values.map((value) => equals(path, value, '=')).join(' || ')})`;
  const conditions = [
    equals('eventSource', detector.eventSource, '='),
    anyOf('eventName', detector.eventNames),
    ...Object.entries(detector.where ?? {}).map(([path, values]) => anyOf(path, values)),
    ...Object.entries(detector.unless ?? {}).flatMap(([path, values]) => values.map((value) => equals(path, value, '!='))),
  ];
  return `{ ${conditions.join(' && ')} }`;
}

export interface IncidentDetectorsProps {
  readonly visitsTable: dynamodb.ITable;
  /** The function roles that read the visits table as their job. */
  readonly visitsReaders: readonly iam.IRole[];
  /**
   * Name prefix of the pseudonym key secret(s): CloudFormation names a secret after its construct
   * path, so every secret under the PseudonymKey construct (one key, or one per tenant) matches.
   */
  readonly pseudonymSecretNamePrefix: string;
  /** The function roles that read the pseudonym key as their job. */
  readonly pseudonymReaders: readonly iam.IRole[];
  /** The audit trail and breach register buckets, whose policies and locks must not change. */
  readonly protectedBuckets: readonly s3.IBucket[];
  /** `<prefix><tenantId>` is a tenant's breach notice topic: removing a subscription or the topic silences it. */
  readonly breachTopicArnPrefix: string;
  /** The break-glass role (config: breakGlassRoleArnPattern); absent: no break-glass detectors. */
  readonly breakGlassRoleArnPattern?: string;
  /**
   * Deleted visits (DeleteItem / BatchWriteItem calls) in 5 minutes that are still normal.
   * @default 1000 (one erasure call's maximum)
   */
  readonly massErasureThreshold?: number;
}

const DYNAMODB = 'dynamodb.amazonaws.com';
const READ_ITEMS = ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems', 'ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction'];

/**
 * The suspected incidents the issue of the processor agreement (7.2) names: reads of the pseudonym key
 * or the visits by anyone but the service's functions, a Scan or export of the visits, mass erasure,
 * tampering with the trail, changes to the audit or register buckets' protections, and every change
 * to or use of the break-glass role. They go to the operations team only (OperationalAlarms).
 */
export function incidentDetectors(scope: Construct, props: IncidentDetectorsProps): TrailDetector[] {
  const { account, region, partition } = Stack.of(scope);
  const sessionsOf = (roles: readonly iam.IRole[]) => roles.map((role) => `arn:${partition}:sts::${account}:assumed-role/${role.roleName}/*`);
  const table = { 'resources[0].ARN': [props.visitsTable.tableArn] };
  const detectors: TrailDetector[] = [
    {
      id: 'PseudonymKeyReadByOther',
      what: 'A principal other than the service functions read the pseudonym key (it turns visitor IPs into the stored pseudonyms).',
      eventSource: 'secretsmanager.amazonaws.com',
      eventNames: ['GetSecretValue', 'BatchGetSecretValue', 'PutSecretValue', 'UpdateSecret', 'RestoreSecret'],
      where: {
        'requestParameters.secretId': [
          `${props.pseudonymSecretNamePrefix}*`,
          `arn:${partition}:secretsmanager:${region}:${account}:secret:${props.pseudonymSecretNamePrefix}*`,
        ],
      },
      unless: { 'userIdentity.arn': sessionsOf(props.pseudonymReaders) },
    },
    {
      id: 'VisitsReadByOther',
      what: 'A principal other than the service functions read items of the visits table.',
      eventSource: DYNAMODB,
      eventNames: READ_ITEMS,
      where: table,
      unless: { 'userIdentity.arn': sessionsOf(props.visitsReaders) },
    },
    {
      id: 'VisitsScanned',
      what: 'Someone scanned the visits table (no function of the service ever does).',
      eventSource: DYNAMODB,
      eventNames: ['Scan'],
      where: table,
    },
    {
      id: 'VisitsExported',
      what: 'Someone exported the visits table (a copy outside its retention and erasure).',
      eventSource: DYNAMODB,
      eventNames: ['ExportTableToPointInTime'],
      where: { 'requestParameters.tableArn': [props.visitsTable.tableArn] },
    },
    {
      id: 'VisitsBackedUp',
      what: 'Someone started a backup of the visits table or changed its point-in-time recovery (copies outside its retention and erasure).',
      eventSource: DYNAMODB,
      eventNames: ['CreateBackup', 'UpdateContinuousBackups'],
      where: { 'requestParameters.tableName': [props.visitsTable.tableName] },
    },
    {
      id: 'MassErasure',
      what: `More than ${props.massErasureThreshold ?? 1000} delete calls on the visits table within 5 minutes.`,
      eventSource: DYNAMODB,
      eventNames: ['DeleteItem', 'BatchWriteItem', 'DeleteTable'],
      where: table,
      threshold: props.massErasureThreshold ?? 1000,
    },
    {
      id: 'AuditTrailTampered',
      what: 'Someone stopped, deleted or changed a CloudTrail trail or what it records.',
      eventSource: 'cloudtrail.amazonaws.com',
      eventNames: ['StopLogging', 'DeleteTrail', 'PutEventSelectors', 'UpdateTrail', 'PutInsightSelectors'],
    },
    {
      id: 'ProtectedBucketChanged',
      what: 'The policy, ACL, public access block, Object Lock, lifecycle or versioning of the audit or breach register bucket changed.',
      eventSource: 's3.amazonaws.com',
      eventNames: [
        'PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketAcl', 'PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock',
        'PutBucketObjectLockConfiguration', 'PutBucketLifecycle', 'PutBucketVersioning', 'PutBucketOwnershipControls',
      ],
      where: { 'requestParameters.bucketName': props.protectedBuckets.map((bucket) => bucket.bucketName) },
    },
    {
      id: 'BreachTopicUnsubscribed',
      what: 'A subscription to a breach notice topic was removed (Unsubscribe): that controller may no longer receive breach notices.',
      eventSource: 'sns.amazonaws.com',
      eventNames: ['Unsubscribe'],
      where: { 'requestParameters.subscriptionArn': [`${props.breachTopicArnPrefix}*`] },
    },
    {
      id: 'BreachTopicChanged',
      what: 'A breach notice topic was deleted or its policy or settings changed.',
      eventSource: 'sns.amazonaws.com',
      eventNames: ['DeleteTopic', 'SetTopicAttributes', 'AddPermission', 'RemovePermission'],
      where: { 'requestParameters.topicArn': [`${props.breachTopicArnPrefix}*`] },
    },
  ];
  if (props.breakGlassRoleArnPattern !== undefined) detectors.push(...breakGlassDetectors(props.breakGlassRoleArnPattern, account));
  return detectors;
}

/** Every change to and every assumption of the break-glass role, in this account. */
function breakGlassDetectors(roleArnPattern: string, account: string): TrailDetector[] {
  const roleName = roleArnPattern.split('/').at(-1)!;
  const roleArn = roleArnPattern.replace(/^(arn:aws:iam::)\*:/, `$1${account}:`);
  return [
    {
      id: 'BreakGlassRoleChanged',
      what: `The break-glass role ${roleArnPattern} was created, changed or deleted.`,
      eventSource: 'iam.amazonaws.com',
      eventNames: BREAK_GLASS_PROTECTED_ACTIONS.filter((action) => action !== 'iam:PassRole').map((action) => action.replace(/^iam:/, '')),
      where: { 'requestParameters.roleName': [roleName] },
    },
    {
      id: 'BreakGlassRoleAssumed',
      what: `Someone assumed the break-glass role ${roleArnPattern}, which is exempt from the EU-only region deny.`,
      eventSource: 'sts.amazonaws.com',
      eventNames: ['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity'],
      where: { 'requestParameters.roleArn': [roleArn] },
    },
  ];
}
