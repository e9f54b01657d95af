import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { recordBucketProps } from '../security/record-bucket.js';
import { RetainedLogGroup } from '../retention/retained-log-group.js';
import { KEY_PREFIXES_METADATA, type KeyPrefixes } from '../retention/retained-stores.js';

/**
 * Expiry of a versioned bucket's objects so that nothing outlives `days`: the current version expires
 * a day early, because the noncurrent version it leaves behind is removed one day later.
 */
function expireWithin(days: number, prefix?: string): s3.LifecycleRule {
  return { prefix, expiration: Duration.days(days - 1), noncurrentVersionExpiration: Duration.days(1) };
}

function notBy(roles: readonly iam.IRole[]): cloudtrail.CfnTrail.AdvancedFieldSelectorProperty[] {
  return roles.length === 0 ? [] : [{ field: 'userIdentity.arn', notStartsWith: roles.map((role) => AuditTrail.sessionArnPrefix(role)) }];
}

/** Where CloudTrail delivers log files and digests (no S3KeyPrefix on the trail). */
export const TRAIL_PREFIX = 'AWSLogs/';
/** The published Art. 30 register and the controllers' views: never expired (lib/register). */
export const REGISTER_PREFIX = 'register/';
/** The quarterly audit evidence packs (tools/audit-pack): extracts of the trail, expired with it. */
export const AUDIT_PACK_PREFIX = 'audit-packs/';

export interface AuditTrailProps {
  /** How long trail files are kept (and locked): at least one audit period. */
  readonly retentionDays: number;
  /** Buckets whose object-level reads and writes are recorded (the breach register). */
  readonly dataEventBuckets: readonly s3.IBucket[];
  /** Tables whose item-level reads and writes are recorded (the visits table). */
  readonly dataEventTables: readonly dynamodb.ITable[];
  /**
   * The service's own function roles: their item events on those tables are not recorded (they would
   * copy every visit's key, with its pseudonym, into the audit trail for the audit retention); what any
   * other principal does to the items is.
   */
  readonly tableWritersNotRecorded?: readonly iam.IRole[];
  /**
   * ARN prefixes of topics whose publications are recorded (the controllers' breach notice and request
   * topics; CloudTrail keeps who published, never the message): the audit pack counts forwarded
   * data-subject requests and erasure confirmations from them. @default none
   */
  readonly dataEventTopicArnPrefixes?: readonly string[];
  /** Key for the trail's CloudWatch Logs copy. */
  readonly logEncryptionKey: kms.IKey;
}

/**
 * The system log for auditors (agreement art. 10): a multi-region CloudTrail trail homed in this
 * region with management events and data events of the stores holding personal data or breach records,
 * log-file validation, delivered to an Object Lock (COMPLIANCE) bucket that nobody can rewrite.
 */
export class AuditTrail extends Construct {
  readonly trail: cloudtrail.Trail;
  readonly bucket: s3.Bucket;
  readonly encryptionKey: kms.Key;
  /** The trail's CloudWatch Logs copy: every region's management events (IAM and STS included) and the data events. */
  readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const { account, partition, region } = Stack.of(this);
    const trailArnPattern = `arn:${partition}:cloudtrail:${region}:${account}:trail/*`;

    this.encryptionKey = new kms.Key(this, 'Key', {
      description: 'Encrypts the audit trail (CloudTrail) files',
      enableKeyRotation: true,
    });
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptsThisAccountsTrails',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': trailArnPattern },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailArnPattern },
        },
      }),
    );

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED, // server access log delivery does not support SSE-KMS
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [expireWithin(props.retentionDays)],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...recordBucketProps(this.encryptionKey),
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(props.retentionDays - 1)),
      serverAccessLogsBucket: accessLogs,
      // Locked until the lifecycle's expiry; the version it then leaves behind goes a day later. Per
      // prefix, so that the published register, which is republished only when it changes, stays.
      lifecycleRules: [expireWithin(props.retentionDays, TRAIL_PREFIX), expireWithin(props.retentionDays, AUDIT_PACK_PREFIX)],
    });
    const keyPrefixes: KeyPrefixes = {
      [TRAIL_PREFIX]: {},
      [AUDIT_PACK_PREFIX]: {},
      [REGISTER_PREFIX]: {
        keptBecause:
          'the Art. 30 register must be available for as long as the processing lasts (Art. 30(4)); each version is evidence of what was declared when. It names only controller and processor contacts.',
      },
    };
    (this.bucket.node.defaultChild as s3.CfnBucket).addMetadata(KEY_PREFIXES_METADATA, keyPrefixes);

    const cloudWatchCopy = new RetainedLogGroup(this, 'Logs', {
      retentionDays: props.retentionDays,
      encryptionKey: props.logEncryptionKey,
    });
    this.allowTrailDelivery(trailArnPattern);
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      // Handed over as an imported bucket so the Trail construct adds no policy statements of its own
      // (its statements carry no aws:SourceArn / aws:SourceAccount); allowTrailDelivery wrote them.
      bucket: s3.Bucket.fromBucketAttributes(this, 'TrailDestination', { bucketArn: this.bucket.bucketArn, bucketName: this.bucket.bucketName }),
      encryptionKey: this.encryptionKey,
      enableFileValidation: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: cloudWatchCopy.logGroup,
    });
    this.trail.node.addDependency(this.bucket.policy!);
    this.logGroup = cloudWatchCopy.logGroup;
    this.recordEvents(props);

    const noReplication =
      'Replication would copy records into a second bucket; cross-region it would leave the EU, and Object Lock with ' +
      'versioning already protects them against loss and alteration within this region.';
    Validations.of(this.bucket).acknowledge({ id: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: noReplication });
    Validations.of(accessLogs).acknowledge(
      { id: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: noReplication },
      {
        id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
        reason: 'S3 server access log delivery only supports SSE-S3 on the target bucket.',
      },
    );
    Validations.of(this.trail).acknowledge({
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: "CloudTrail's log-delivery role has one inline policy scoped to its own log group and cannot be reused elsewhere.",
    });
  }

  /** What CloudTrail needs to deliver to the bucket, for this account's trails only (no confused deputy). */
  private allowTrailDelivery(trailArnPattern: string): void {
    const principals = [new iam.ServicePrincipal('cloudtrail.amazonaws.com')];
    const thisAccountsTrails = { StringEquals: { 'aws:SourceAccount': Stack.of(this).account }, ArnLike: { 'aws:SourceArn': trailArnPattern } };
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudTrailChecksTheBucketAcl',
      principals,
      actions: ['s3:GetBucketAcl'],
      resources: [this.bucket.bucketArn],
      conditions: thisAccountsTrails,
    }));
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudTrailDeliversThisAccountsTrails',
      principals,
      actions: ['s3:PutObject'],
      resources: [this.bucket.arnForObjects(`AWSLogs/${Stack.of(this).account}/*`)],
      conditions: { ...thisAccountsTrails, StringEquals: { ...thisAccountsTrails.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    }));
  }

  /**
   * Basic event selectors cannot name DynamoDB tables, and a trail cannot mix basic and advanced
   * selectors, so every selector is an advanced one.
   */
  private recordEvents(props: AuditTrailProps): void {
    const cfnTrail = this.trail.node.defaultChild as cloudtrail.CfnTrail;
    cfnTrail.addPropertyDeletionOverride('EventSelectors');
    cfnTrail.advancedEventSelectors = [
      { name: 'All management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
      ...(props.dataEventBuckets.length === 0
        ? []
        : [{
            name: 'Object events of the breach register',
            fieldSelectors: [
              { field: 'eventCategory', equalTo: ['Data'] },
              { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
              { field: 'resources.ARN', startsWith: props.dataEventBuckets.map((bucket) => `${bucket.bucketArn}/`) },
            ],
          }]),
      ...(props.dataEventTables.length === 0
        ? []
        : [{
            name: 'Item events of the visits table',
            fieldSelectors: [
              { field: 'eventCategory', equalTo: ['Data'] },
              { field: 'resources.type', equalTo: ['AWS::DynamoDB::Table'] },
              { field: 'resources.ARN', equalTo: props.dataEventTables.map((table) => table.tableArn) },
              ...notBy(props.tableWritersNotRecorded ?? []),
            ],
          }]),
      ...((props.dataEventTopicArnPrefixes ?? []).length === 0
        ? []
        : [{
            name: 'Publications to the controllers\' notice topics',
            fieldSelectors: [
              { field: 'eventCategory', equalTo: ['Data'] },
              { field: 'resources.type', equalTo: ['AWS::SNS::Topic'] },
              { field: 'resources.ARN', startsWith: [...props.dataEventTopicArnPrefixes!] },
            ],
          }]),
    ];
  }

  /**
   * Lets a principal read objects under one key prefix only (a controller's register view, its audit
   * packs), decrypting through S3 alone.
   */
  grantReadUnder(grantee: iam.IGrantable & IConstruct, prefix: string, reason: string): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject', 's3:GetObjectVersion'], resourceArns: [this.bucket.arnForObjects(`${prefix}*`)] });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [this.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
    Validations.of(grantee).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/${prefix}*]`,
      reason,
    });
  }

  /** A function's calls carry its role's session ARN: `arn:<partition>:sts::<account>:assumed-role/<role name>/<function>`. */
  static sessionArnPrefix(role: iam.IRole): string {
    const { partition, account } = Stack.of(role);
    return `arn:${partition}:sts::${account}:assumed-role/${role.roleName}/`;
  }

  /** Lets a principal (the auditor role) list and read the trail files and digests, their versions and locks. */
  grantRead(grantee: iam.IGrantable & IConstruct): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketLocation', 's3:GetBucketObjectLockConfiguration'],
      resourceArns: [this.bucket.bucketArn],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectRetention', 's3:GetObjectLegalHold'],
      resourceArns: [this.bucket.arnForObjects('*')],
    });
    this.encryptionKey.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey');
    Validations.of(grantee).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
      reason: 'Auditors read every file of the audit trail bucket; CloudTrail chooses the object names (date, region, digest).',
    });
  }
}
