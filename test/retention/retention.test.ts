import { App, ArnFormat, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { beforeAll, describe, expect, it } from 'vitest';
import { findRetentionViolations, type RetentionViolation } from '../../lib/retention/find-retention-violations.js';
import { describeRetainedStores } from '../../lib/retention/retained-stores.js';
import { RetainedLogGroup } from '../../lib/retention/retained-log-group.js';
import { applyRetentionGuard, RETENTION_RULE } from '../../lib/retention/retention-guard.js';
import { synthesizeStackTemplates, TemplateIndex, type StackTemplate } from '../../lib/retention/stack-templates.js';
import { buildTestApp } from '../infra/test-app.js';

describe('retention of every store of the real app', () => {
  let built: ReturnType<typeof buildTestApp>;
  let stacks: StackTemplate[];

  beforeAll(() => {
    built = buildTestApp();
    stacks = synthesizeStackTemplates(built.app);
  }, 120_000);

  it('keeps no personal data, log or record longer than configured, anywhere', () => {
    expect(findRetentionViolations(stacks, built.config).map((v) => v.message)).toEqual([]);
  });

  it('finds the audit trail stores by structure and holds them to the audit retention', () => {
    const stores = describeRetainedStores(new TemplateIndex(stacks), built.config);
    const basisOf = (logicalId: string) => stores.filter((s) => s.resource.logicalId === logicalId).map((s) => [s.basis, s.limitDays]);
    const resources = stacks.flatMap((stack) => Object.entries(stack.template.Resources ?? {}));
    const trails = resources.filter(([, r]) => r.Type === 'AWS::CloudTrail::Trail').map(([, r]) => r.Properties as Record<string, any>);
    expect(trails.length).toBeGreaterThan(0);
    const trailGroups = trails.map((t) => t.CloudWatchLogsLogGroupArn['Fn::GetAtt'][0] as string);
    const trailBuckets = trails.map((t) => t.S3BucketName.Ref as string);
    const audit = [built.config.auditLogRetentionDays];
    for (const id of [...trailGroups, ...trailBuckets]) expect(basisOf(id)).toEqual([['audit-trail', ...audit]]);

    const otherGroups = resources.filter(([id, r]) => r.Type === 'AWS::Logs::LogGroup' && !trailGroups.includes(id));
    expect(otherGroups.length).toBeGreaterThanOrEqual(5); // access, execution, WAF and one per function
    for (const [id] of otherGroups) expect(basisOf(id)).toEqual([['personal-data', built.config.retentionDays]]);

    const recordBuckets = resources.filter(([id, r]) => r.Type === 'AWS::S3::Bucket' && r.Properties?.ObjectLockEnabled === true && !trailBuckets.includes(id));
    for (const [id] of recordBuckets) expect(basisOf(id)).toEqual([['legal-record', Math.ceil(built.config.breachRecordRetentionYears * 365.25)]]);
  });
});

/**
 * Proof that the checker can fail: throwaway stacks (never deployed) holding one instance of every
 * mistake it must catch, next to correct resources it must leave alone.
 */
describe('the retention checker, on throwaway stacks', () => {
  const limits = { retentionDays: 7, auditLogRetentionDays: 400, breachRecordRetentionYears: 5 };
  let violations: RetentionViolation[];

  beforeAll(() => {
    const app = new App();
    buildThrowawayStack(new Stack(app, 'Throwaway'));
    new logs.LogGroup(new Stack(app, 'SecondThrowaway'), 'Forgotten', { retention: logs.RetentionDays.INFINITE });
    violations = findRetentionViolations(synthesizeStackTemplates(app), limits);
  });

  /** The construct a violation is about: the id right under the stack. */
  const constructOf = (v: RetentionViolation) => v.resource.constructPath?.split('/')[1];
  const reported = (id: string) => violations.filter((v) => constructOf(v) === id);

  it.each([
    ['NoRetentionLogs', /log group: no RetentionInDays .* nothing ever expires, but the 7-day limit \(retentionDays/],
    ['TooLongLogs', /log group: keeps data up to 30 days \(CloudWatch Logs retention\), longer than the 7-day limit/],
    ['NoTtlTable', /DynamoDB table: no TTL/],
    ['LongBackupTable', /point-in-time recovery: keeps data up to 35 days/],
    ['UnloggedFunction', /no explicit log group \(LoggingConfig\.LogGroup\)/],
    ['AuditLoggedFunction', /logs to .*a log group under the audit retention/],
    ['LongQueue', /SQS queue: keeps data up to 14 days \(MessageRetentionPeriod\)/],
    ['LoggedApi', /execution logging is on, but no log group named API-Gateway-Execution-Logs_/],
    ['UnexpiringBucket', /S3 bucket: no lifecycle rule expires every object/],
    ['LongAccessLogs', /S3 bucket: keeps data up to 30 days \(lifecycle expiration after 30 days\), longer than the 7-day limit \(retentionDays/],
    ['LongTrailAccessLogs', /S3 bucket: keeps data up to 500 days .* 400-day limit \(auditLogRetentionDays, audit-trail\)/],
    ['ForgottenNoncurrent', /versioned, but no lifecycle rule removes noncurrent versions/],
    ['WafToAuditLogs', /WAF logs \(client IPs\) go to .*audit retention/],
    ['LongStream', /Kinesis data stream: keeps data up to 8 days/],
    ['Database', /AWS::RDS::DBInstance can hold personal data, but lib\/retention has no rule/],
  ])('reports %s', (pathPart, problem) => {
    expect(reported(pathPart).map((v) => v.message)).toEqual([expect.stringMatching(problem)]);
  });

  it('reports an Object Lock record bucket that locks too long and never expires', () => {
    expect(reported('ForeverRecords').map((v) => v.problem)).toEqual([
      expect.stringMatching(/Object Lock keeps every object 3653 days, longer than the 1827-day limit \(breachRecordRetentionYears\)/),
      expect.stringMatching(/no lifecycle rule expires every object/),
    ]);
  });

  it('walks every stack, not only the first', () => {
    expect(violations.filter((v) => v.resource.stackName === 'SecondThrowaway').map((v) => v.resource.constructPath)).toEqual([
      'SecondThrowaway/Forgotten/Resource',
    ]);
  });

  it('leaves correct stores alone (and reports nothing else)', () => {
    const expected = [
      'NoRetentionLogs', 'TooLongLogs', 'NoTtlTable', 'LongBackupTable', 'UnloggedFunction', 'AuditLoggedFunction', 'LongQueue',
      'LoggedApi', 'UnexpiringBucket', 'LongAccessLogs', 'LongTrailAccessLogs', 'ForgottenNoncurrent', 'WafToAuditLogs',
      'LongStream', 'Database', 'ForeverRecords', 'Forgotten',
    ];
    const unexpected = violations.filter((v) => !expected.includes(constructOf(v) ?? ''));
    expect(unexpected.map((v) => v.message)).toEqual([]);
  });
});

describe('the retention guard at synth (as `cdk synth` runs it)', () => {
  const limits = { retentionDays: 7, auditLogRetentionDays: 400, breachRecordRetentionYears: 5 };

  it('refuses to synthesize an app with a store that keeps data forever, naming the store and the rule', () => {
    const app = new App();
    new logs.LogGroup(new Stack(app, 'Forgetful'), 'Forever', { retention: logs.RetentionDays.INFINITE });
    applyRetentionGuard(app, limits);
    const report = synthFailure(app);
    expect(report).toContain(`RetentionGuard::${RETENTION_RULE}`);
    expect(report).toMatch(/FATAL CloudWatch Logs log group: no RetentionInDays.*\n\s+Forgetful\/Forever\/Resource \(Forever\w+\)/);
  });

  it('lets an app whose every store expires within its limit synthesize', () => {
    const app = new App();
    new logs.LogGroup(new Stack(app, 'Careful'), 'Logs', { retention: logs.RetentionDays.ONE_WEEK });
    applyRetentionGuard(app, limits);
    expect(() => app.synth()).not.toThrow();
  });

  it('is attached to the real app: a forgotten store there fails synth', () => {
    const built = buildTestApp();
    new logs.LogGroup(built.enrichment, 'Forgotten', { retention: logs.RetentionDays.INFINITE });
    expect(synthFailure(built.app)).toMatch(/FATAL CloudWatch Logs log group: no RetentionInDays.*\(RetentionGuard\)\n\s+EuEnrichment\/Forgotten\/Resource \(Forgotten\w+\)/);
  }, 120_000);
});

/** The validation report a failed synth throws (CDK prints it the same way under `cdk synth`). */
function synthFailure(app: App): string {
  try {
    app.synth();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('synth succeeded, but a validation failure was expected');
}

function buildThrowawayStack(stack: Stack): void {
  const key = new kms.Key(stack, 'Key');
  const inline = lambda.Code.fromInline('exports.handler = async () => ({})');

  // Log groups.
  new logs.LogGroup(stack, 'NoRetentionLogs', { retention: logs.RetentionDays.INFINITE });
  new logs.LogGroup(stack, 'TooLongLogs', { retention: logs.RetentionDays.ONE_MONTH });
  const compliantLogs = new RetainedLogGroup(stack, 'CompliantLogs', { retentionDays: 7, encryptionKey: key }).logGroup;

  // Tables.
  new dynamodb.Table(stack, 'NoTtlTable', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  new dynamodb.Table(stack, 'LongBackupTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: 'expiresAt',
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  new dynamodb.Table(stack, 'CompliantTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: 'expiresAt',
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 7 },
  });

  // Audit trail: its bucket and CloudWatch copy are held to the audit retention, not the data one.
  const trailAccessLogs = new s3.Bucket(stack, 'LongTrailAccessLogs', { lifecycleRules: [{ expiration: Duration.days(500) }] });
  const trailBucket = new s3.Bucket(stack, 'TrailBucket', {
    objectLockEnabled: true,
    objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(400)),
    serverAccessLogsBucket: trailAccessLogs,
    lifecycleRules: [{ expiration: Duration.days(399), noncurrentVersionExpiration: Duration.days(1) }],
  });
  const trailLogs = new logs.LogGroup(stack, 'TrailLogs', { retention: logs.RetentionDays.THIRTEEN_MONTHS });
  new cloudtrail.Trail(stack, 'Trail', { bucket: trailBucket, sendToCloudWatchLogs: true, cloudWatchLogGroup: trailLogs });

  // Functions.
  const fn = (id: string, logGroup?: logs.ILogGroup) =>
    new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: inline, logGroup });
  fn('UnloggedFunction');
  fn('AuditLoggedFunction', trailLogs);
  fn('LoggedFunction', compliantLogs);

  // Queues and topics.
  new sqs.Queue(stack, 'LongQueue', { retentionPeriod: Duration.days(14) });
  new sqs.Queue(stack, 'DefaultQueue');
  new sns.Topic(stack, 'Topic');

  // An API with execution logging and no pre-created execution log group.
  const api = new apigw.RestApi(stack, 'LoggedApi', {
    cloudWatchRole: false,
    deployOptions: { loggingLevel: apigw.MethodLoggingLevel.INFO, accessLogDestination: new apigw.LogGroupLogDestination(compliantLogs) },
  });
  api.root.addMethod('GET', new apigw.MockIntegration());

  // Buckets.
  new s3.Bucket(stack, 'UnexpiringBucket');
  const longAccessLogs = new s3.Bucket(stack, 'LongAccessLogs', { lifecycleRules: [{ expiration: Duration.days(30) }] });
  new s3.Bucket(stack, 'DataBucket', { serverAccessLogsBucket: longAccessLogs, lifecycleRules: [{ expiration: Duration.days(7) }] });
  new s3.Bucket(stack, 'ForgottenNoncurrent', { versioned: true, lifecycleRules: [{ expiration: Duration.days(3) }] });
  new s3.Bucket(stack, 'ForeverRecords', {
    objectLockEnabled: true,
    objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(3653)),
  });
  new s3.Bucket(stack, 'Records', {
    objectLockEnabled: true,
    objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(365 * 5)),
    lifecycleRules: [{ expiration: Duration.days(365 * 5), noncurrentVersionExpiration: Duration.days(1) }],
  });

  // WAF logging: to the trail's log group (wrong) and to a data log group by ARN, as the real firewall does (right).
  new wafv2.CfnLoggingConfiguration(stack, 'WafToAuditLogs', { resourceArn: 'arn:aws:wafv2:eu-central-1:123456789012:regional/webacl/a/b', logDestinationConfigs: [trailLogs.logGroupArn] });
  const wafLogs = new logs.LogGroup(stack, 'WafLogs', { logGroupName: 'aws-waf-logs-throwaway', retention: logs.RetentionDays.ONE_WEEK });
  new wafv2.CfnLoggingConfiguration(stack, 'WafToDataLogs', {
    resourceArn: 'arn:aws:wafv2:eu-central-1:123456789012:regional/webacl/c/d',
    logDestinationConfigs: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: wafLogs.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
  });

  // Streams and stores without a rule.
  new kinesis.Stream(stack, 'LongStream', { retentionPeriod: Duration.days(8) });
  new CfnResource(stack, 'Database', { type: 'AWS::RDS::DBInstance', properties: { Engine: 'postgres', StorageEncrypted: true } });
}
