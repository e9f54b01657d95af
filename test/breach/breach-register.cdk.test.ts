import { Match, Template } from 'aws-cdk-lib/assertions';
import { App, Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { BreachRegister } from '../../lib/breach/index.js';
import { yearsInDays } from '../../lib/retention/retention-limits.js';
import { AUDIT_LOG_RETENTION_DAYS, buildBreachTestStack, RETENTION_YEARS } from './support/breach-test-stack.js';

let template: Template;
let built: ReturnType<typeof buildBreachTestStack>;

beforeAll(() => {
  built = buildBreachTestStack();
  template = Template.fromStack(built.stack);
});

const bucketId = () => built.stack.getLogicalId(built.register.bucket.node.defaultChild as never);
const statementsOfRegisterPolicy = (): any[] =>
  Object.values(template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucketId() } } }))[0]!.Properties.PolicyDocument.Statement;

describe('BreachRegister bucket', () => {
  it('is created with Object Lock and a COMPLIANCE default retention of the configured years', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: RETENTION_YEARS } } },
      }),
    });
  });

  it('defaults to five years of retention', () => {
    const stack = new Stack(new App(), 'Defaults');
    new BreachRegister(stack, 'Register');
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 5 } } },
    });
  });

  it('refuses a retention outside 1–100 whole years', () => {
    expect(() => new BreachRegister(new Stack(new App(), 'Bad'), 'Register', { retentionYears: 0 })).toThrow(/retentionYears/);
    expect(() => new BreachRegister(new Stack(new App(), 'Bad'), 'Register', { retentionYears: 2.5 })).toThrow(/retentionYears/);
  });

  it('is versioned, SSE-KMS with its own rotating key, private, access-logged and retained', () => {
    const key = built.stack.getLogicalId(built.register.encryptionKey.node.defaultChild as never);
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] } } }],
        },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: { Ref: built.stack.getLogicalId(built.register.accessLogBucket.node.defaultChild as never) }, LogFilePrefix: 'breach-register/' },
        ObjectLockEnabled: true,
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ Description: Match.stringLikeRegexp('breach register'), EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
    });
  });

  it('removes a record when its retention ends: current-version expiry plus the noncurrent day span the retention years', () => {
    const bucket = template.toJSON().Resources[bucketId()];
    const [rule] = bucket.Properties.LifecycleConfiguration.Rules;
    expect(rule.ExpirationInDays + rule.NoncurrentVersionExpiration.NoncurrentDays).toBe(yearsInDays(RETENTION_YEARS));
    // Never before a record stored on any day can be released: 7 calendar years hold at most two leap days.
    expect(yearsInDays(RETENTION_YEARS)).toBeGreaterThanOrEqual(RETENTION_YEARS * 365 + 2);
  });

  it('keeps its bucket policy if the stack is deleted, as it keeps the bucket and key', () => {
    template.hasResource('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucketId() } }, DeletionPolicy: 'Retain' });
  });

  it('denies TLS-less requests', () => {
    expect(statementsOfRegisterPolicy()).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('denies everyone deleting versions, delete markers and changes to the lock, lifecycle or versioning', () => {
    const statement = statementsOfRegisterPolicy().find((s) => s.Sid === 'NoOneDeletesRecordsOrWeakensTheLock');
    expect(statement).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
    expect(statement.Condition).toBeUndefined();
    expect(statement.Action).toEqual(expect.arrayContaining([
      's3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention',
      's3:PutBucketObjectLockConfiguration', 's3:PutLifecycleConfiguration', 's3:PutBucketVersioning',
    ]));
  });

  it('lets only the report function write records and set retention, and only the breach functions and auditors read', () => {
    const roleArn = (role: { node: any }) => ({ 'Fn::GetAtt': [built.stack.getLogicalId(role.node.defaultChild), 'Arn'] });
    const exemptions = (sid: string) => statementsOfRegisterPolicy().find((s) => s.Sid === sid)?.Condition?.ArnNotEquals?.['aws:PrincipalArn'];
    const report = roleArn(built.reporting.reportFunction.role);
    const notify = roleArn(built.reporting.notifyFunction.role);
    const auditor = roleArn(built.auditors.role);
    expect(exemptions('OnlyTheReportFunctionWritesRecords')).toEqual([report]);
    expect(exemptions('OnlyTheReportFunctionSetsRetention')).toEqual([report]);
    expect(exemptions('OnlyBreachFunctionsWrite')).toEqual([report, notify]);
    expect(exemptions('OnlyBreachFunctionsAndAuditorsRead')).toEqual([report, notify, auditor]);
  });

  it('denies writes and reads to every principal while no function or auditor has been granted', () => {
    const stack = new Stack(new App(), 'Alone');
    new BreachRegister(stack, 'Register');
    const statements: any[] = Object.values(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy'))
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement)
      .filter((s) => String(s.Sid).startsWith('Only'));
    expect(statements).toHaveLength(4);
    for (const statement of statements) {
      expect(statement).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
      expect(statement.Condition).toBeUndefined();
    }
  });

  it('keeps anyone from deleting or disabling the register key', () => {
    const key = template.toJSON().Resources[built.stack.getLogicalId(built.register.encryptionKey.node.defaultChild as never)];
    expect(key.Properties.KeyPolicy.Statement).toContainEqual({
      Sid: 'NoOneDisablesOrDeletesTheRegisterKey',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['kms:DisableKey', 'kms:ScheduleKeyDeletion'],
      Resource: '*',
    });
  });
});

describe('BreachRegister access-log bucket', () => {
  it('is S3-managed encrypted (as log delivery requires), private, TLS-only, expiring and retained', () => {
    const id = built.stack.getLogicalId(built.register.accessLogBucket.node.defaultChild as never);
    const bucket = template.toJSON().Resources[id];
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    const [rule] = bucket.Properties.LifecycleConfiguration.Rules;
    expect(rule.ExpirationInDays + rule.NoncurrentVersionExpiration.NoncurrentDays).toBe(AUDIT_LOG_RETENTION_DAYS);
    expect(bucket.DeletionPolicy).toBe('Retain');
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: id } } }))[0] as any;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' }),
    );
  });
});
