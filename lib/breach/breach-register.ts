import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { recordBucketProps } from '../security/record-bucket.js';
import { Construct } from 'constructs';
import { DEFAULTS } from '../config/load-config.js';
import { yearsInDays } from '../retention/retention-limits.js';
import { NOTIFICATION_PREFIX, RECORD_PREFIX } from '../../lambdas/breach-shared/register-layout.js';

export interface BreachRegisterProps {
  /**
   * Object Lock COMPLIANCE retention of every record, in years (config: breachRecordRetentionYears).
   * @default 5
   */
  readonly retentionYears?: number;
  /**
   * Days the register's S3 server access logs are kept: who read or wrote the records is audit
   * evidence (config: auditLogRetentionDays).
   * @default 400 (the configuration default)
   */
  readonly accessLogRetentionDays?: number;
}

/** Everything in the bucket is readable through exactly these S3 actions; the bucket policy guards them all. */
const READ_ACTIONS = [
  's3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes', 's3:GetObjectVersionAttributes',
  's3:GetObjectRetention', 's3:GetObjectLegalHold', 's3:ListBucket', 's3:ListBucketVersions',
];

/**
 * The Art. 33(5) breach register: an S3 bucket created with Object Lock and a COMPLIANCE default
 * retention, so no one (root included) can delete a record version or shorten its retention before it
 * ends. Versioned, SSE-KMS with its own rotating key, no public access, TLS only, access-logged to a
 * separate bucket, retained when the stack goes.
 *
 * The bucket policy adds what Object Lock does not cover, for every principal: no delete markers,
 * version deletions, changes to the lock, lifecycle or versioning; writes only by the breach
 * functions registered through the grant methods; reads only by them and the auditors.
 */
export class BreachRegister extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;
  readonly encryptionKey: kms.Key;
  readonly retentionYears: number;

  private readonly recordWriters: string[] = [];
  private readonly notificationWriters: string[] = [];
  private readonly readers: string[] = [];
  private readonly onlyRecordWritersPut: iam.PolicyStatement;
  private readonly onlyRecordWritersSetRetention: iam.PolicyStatement;
  private readonly onlyBreachFunctionsPut: iam.PolicyStatement;
  private readonly onlyReadersRead: iam.PolicyStatement;

  constructor(scope: Construct, id: string, props: BreachRegisterProps = {}) {
    super(scope, id);
    this.retentionYears = props.retentionYears ?? DEFAULTS.breachRecordRetentionYears;
    if (!Number.isInteger(this.retentionYears) || this.retentionYears < 1 || this.retentionYears > 100) {
      throw new Error(`retentionYears must be a whole number from 1 to 100, got ${this.retentionYears}`);
    }
    const accessLogRetentionDays = props.accessLogRetentionDays ?? DEFAULTS.auditLogRetentionDays;

    this.encryptionKey = new kms.Key(this, 'Key', {
      description: 'Encrypts the breach register (Art. 33(5) records)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Deleting or disabling the key would make every locked record unreadable: a deletion by other means.
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'NoOneDisablesOrDeletesTheRegisterKey',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:ScheduleKeyDeletion', 'kms:DisableKey'],
        resources: ['*'],
      }),
    );

    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED, // server access log delivery does not support SSE-KMS
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // The current version's expiry and the day its noncurrent version lingers add up to the retention.
      lifecycleRules: [{ expiration: Duration.days(Math.max(1, accessLogRetentionDays - 1)), noncurrentVersionExpiration: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const replicationReason =
      'Single-region by design: the processor agreement fixes eu-central-1 as the processing location, and S3 ' +
      'already stores every object redundantly across availability zones there; a replica would be a second ' +
      'copy of breach records outside the locked bucket.';
    Validations.of(this.accessLogBucket).acknowledge(
      { id: 'AwsSolutions-S1', reason: 'This bucket is the destination of the register access logs; logging it into itself would loop.' },
      { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: 'This bucket is the destination of the register access logs; logging it into itself would loop.' },
      { id: 'NIST.800.53.R5-S3DefaultEncryptionKMS', reason: 'S3 server access log delivery supports only SSE-S3 on the destination bucket.' },
      { id: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: replicationReason },
    );

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...recordBucketProps(this.encryptionKey),
      // Storage limitation: when a record's retention ends, it goes (S3 refuses to remove a locked version
      // any earlier). Expiry plus the noncurrent day is the longest span of the retention years.
      lifecycleRules: [{
        expiration: Duration.days(yearsInDays(this.retentionYears) - 1),
        noncurrentVersionExpiration: Duration.days(1),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
    });
    const cfnBucket = this.bucket.node.defaultChild as s3.CfnBucket;
    // Set on the L1 to state the retention in whole years (the L2 converts every duration to days).
    cfnBucket.objectLockConfiguration = {
      objectLockEnabled: 'Enabled',
      rule: { defaultRetention: { mode: 'COMPLIANCE', years: this.retentionYears } },
    };
    this.logAccessTo(cfnBucket);
    Validations.of(this.bucket).acknowledge({ id: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: replicationReason });

    const bucketAndObjects = [this.bucket.bucketArn, this.bucket.arnForObjects('*')];
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'NoOneDeletesRecordsOrWeakensTheLock',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [
          's3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention',
          's3:PutBucketObjectLockConfiguration', 's3:PutLifecycleConfiguration', 's3:PutBucketVersioning',
        ],
        resources: bucketAndObjects,
      }),
    );
    this.onlyRecordWritersPut = this.denyUnlessListed('OnlyTheReportFunctionWritesRecords', ['s3:PutObject'], [this.bucket.arnForObjects(`${RECORD_PREFIX}*`)]);
    this.onlyRecordWritersSetRetention = this.denyUnlessListed('OnlyTheReportFunctionSetsRetention', ['s3:PutObjectRetention'], [this.bucket.arnForObjects('*')]);
    this.onlyBreachFunctionsPut = this.denyUnlessListed('OnlyBreachFunctionsWrite', ['s3:PutObject'], [this.bucket.arnForObjects('*')]);
    this.onlyReadersRead = this.denyUnlessListed('OnlyBreachFunctionsAndAuditorsRead', READ_ACTIONS, bucketAndObjects);
    // The retained bucket keeps its protections if the stack is ever deleted.
    this.bucket.policy!.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }

  /**
   * Server access logging delivered under a bucket policy (never an ACL), whatever the app's S3 feature
   * flags: the L1 property plus the grant to the logging service for this one source bucket.
   */
  private logAccessTo(cfnBucket: s3.CfnBucket): void {
    const prefix = 'breach-register/';
    cfnBucket.loggingConfiguration = { destinationBucketName: this.accessLogBucket.bucketName, logFilePrefix: prefix };
    this.accessLogBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AccessLogsOfTheBreachRegister',
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.accessLogBucket.arnForObjects(`${prefix}*`)],
        conditions: {
          ArnLike: { 'aws:SourceArn': this.bucket.bucketArn },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
    );
  }

  /** Lets the report function create records, with an explicit COMPLIANCE retention on each. */
  grantRecordWrite(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:PutObjectRetention'],
      resources: [this.bucket.arnForObjects(`${RECORD_PREFIX}*`)],
    }));
    role.addToPrincipalPolicy(this.keyUseViaS3('kms:GenerateDataKey'));
    this.acknowledgeObjectWildcard(role, `${RECORD_PREFIX}*`, 'each report creates a new object key (one per record)');
    this.recordWriters.push(role.roleArn);
    this.allowOnly(this.onlyRecordWritersPut, this.recordWriters);
    this.allowOnly(this.onlyRecordWritersSetRetention, this.recordWriters);
    this.allowOnly(this.onlyBreachFunctionsPut, [...this.recordWriters, ...this.notificationWriters]);
  }

  /** Lets a breach function read records (ListBucket turns a missing record into 404 instead of 403). */
  grantRecordRead(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${RECORD_PREFIX}*`)] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    role.addToPrincipalPolicy(this.keyUseViaS3('kms:Decrypt'));
    this.acknowledgeObjectWildcard(role, `${RECORD_PREFIX}*`, 'records are looked up by id (one object key per record)');
    this.addReader(role);
  }

  /** Lets a breach function check for and create the markers that prove a controller was notified. */
  grantNotificationWrite(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [this.bucket.arnForObjects(`${NOTIFICATION_PREFIX}*`)],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    role.addToPrincipalPolicy(this.keyUseViaS3('kms:GenerateDataKey', 'kms:Decrypt'));
    this.acknowledgeObjectWildcard(role, `${NOTIFICATION_PREFIX}*`, 'each notified controller gets a new marker object key');
    this.notificationWriters.push(role.roleArn);
    this.allowOnly(this.onlyBreachFunctionsPut, [...this.recordWriters, ...this.notificationWriters]);
    this.addReader(role);
  }

  /** Lets an auditor list and read every record and marker with its versions, retention and legal hold. */
  grantAuditRead(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketObjectLockConfiguration', 's3:GetBucketVersioning'],
      resources: [this.bucket.bucketArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: [
        's3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes', 's3:GetObjectVersionAttributes',
        's3:GetObjectRetention', 's3:GetObjectLegalHold',
      ],
      resources: [this.bucket.arnForObjects('*')],
    }));
    role.addToPrincipalPolicy(this.keyUseViaS3('kms:Decrypt'));
    this.acknowledgeObjectWildcard(role, '*', 'auditors read every record and marker in the register, which holds nothing else');
    this.addReader(role);
  }

  /** Object keys are created per record, so object permissions name a key prefix of this one bucket. */
  private acknowledgeObjectWildcard(role: iam.IRole, keyPattern: string, why: string): void {
    const bucketLogicalId = Stack.of(this).resolve((this.bucket.node.defaultChild as s3.CfnBucket).logicalId) as string;
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${keyPattern}]`,
      reason: `Object keys in the breach register cannot be known in advance: ${why}. The wildcard is confined to this bucket (and key prefix), and the bucket policy denies these actions to every other principal.`,
    });
  }

  private keyUseViaS3(...actions: string[]): iam.PolicyStatement {
    return new iam.PolicyStatement({
      actions,
      resources: [this.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
    });
  }

  private addReader(role: iam.IRole): void {
    this.readers.push(role.roleArn);
    this.allowOnly(this.onlyReadersRead, this.readers);
  }

  /** A deny for every principal; the grant methods exempt their roles by ARN (none exempt: denied to all). */
  private denyUnlessListed(sid: string, actions: string[], resources: string[]): iam.PolicyStatement {
    const statement = new iam.PolicyStatement({ sid, effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions, resources });
    this.bucket.addToResourcePolicy(statement);
    return statement;
  }

  private allowOnly(statement: iam.PolicyStatement, principalArns: readonly string[]): void {
    statement.addCondition('ArnNotEquals', { 'aws:PrincipalArn': [...new Set(principalArns)] });
  }
}
