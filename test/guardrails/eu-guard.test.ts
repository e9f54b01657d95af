import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Duration, NestedStack, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as globalaccelerator from 'aws-cdk-lib/aws-globalaccelerator';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as logDestinations from 'aws-cdk-lib/aws-logs-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { applyEuGuard } from '../../lib/guardrails/eu-guard.js';
import { GuardrailStack } from '../../lib/guardrails/guardrail-stack.js';

import { REPO_ROOT } from '../support/repo-paths.js';
const ACCOUNT = '111122223333';
const FRANKFURT = { account: ACCOUNT, region: 'eu-central-1' };
const CLAUSE = 'EU-only processing clause of the processor agreement';

/**
 * An app with the EU guard, in the app mode where a failed validation throws the full report
 * (vitest's default too). CDK's own CloudFormation schema validation is off: it is not under test and triples synth time.
 */
function guardedApp(allowedRegions: readonly string[] = ['eu-central-1']): App {
  const app = new App({ context: { '@aws-cdk/core:appMode': 'inmemory' }, builtinCloudFormationValidation: false });
  applyEuGuard(app, allowedRegions);
  return app;
}

/** The message of the failed synth, or '' when synth passes. */
function synthFailure(app: App): string {
  try {
    app.synth();
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

/** The EU guard's entries in the failed-synth report; [] when synth passes. */
function euGuardReport(app: App): string[] {
  const message = synthFailure(app);
  const entries = message.split('\n\n').filter((entry) => entry.includes('(EuGuard)'));
  if (message !== '' && entries.length === 0) throw new Error(`synth failed, but not because of the EU guard:\n${message}`);
  return entries;
}

/** Asserts synth fails with a FATAL EU guard entry for `rule` that names the construct path, the detail and the clause. */
function expectBreach(app: App, rule: string, constructPath: string, detail: string): void {
  const report = euGuardReport(app);
  const entry = report.find(
    (e) => e.includes(`Rule EuGuard::${rule}`) && e.includes(`\n   ${constructPath} `) && e.toLowerCase().includes(detail.toLowerCase()),
  );
  expect(entry, `no ${rule} entry for ${constructPath} saying "${detail}" in:\n${report.join('\n\n')}`).toBeDefined();
  expect(entry).toMatch(/^FATAL /m);
  expect(entry).toContain(CLAUSE);
}

const euStack = (app: App, id = 'Workload'): Stack => new Stack(app, id, { env: FRANKFURT });
const inlineCode = lambda.Code.fromInline('exports.handler = async () => ({})');

describe('EU guard: stack region', () => {
  it('fails an environment-agnostic stack, whose region is unresolved', () => {
    const app = guardedApp();
    new Stack(app, 'Anywhere');
    expectBreach(app, 'StackRegion', 'Anywhere', 'has no resolved region');
  });

  it('fails a stack in us-east-1', () => {
    const app = guardedApp();
    new Stack(app, 'Virginia', { env: { region: 'us-east-1' } });
    expectBreach(app, 'StackRegion', 'Virginia', 'deploys to us-east-1, outside the allowed regions');
  });

  it('fails an EU region the config narrowed away, and passes it once allowed', () => {
    const narrowed = guardedApp(['eu-central-1']);
    new Stack(narrowed, 'Dublin', { env: { region: 'eu-west-1' } });
    expectBreach(narrowed, 'StackRegion', 'Dublin', 'deploys to eu-west-1');

    const widened = guardedApp(['eu-central-1', 'eu-west-1']);
    new Stack(widened, 'Dublin', { env: { region: 'eu-west-1' } });
    expect(euGuardReport(widened)).toEqual([]);
  });

  it('checks stacks inside stages too', () => {
    const app = guardedApp();
    new Stack(new Stage(app, 'Oregon', { env: { region: 'us-west-2' } }), 'Inner');
    expectBreach(app, 'StackRegion', 'Oregon/Inner', 'deploys to us-west-2');
  });

  it('refuses to guard with a region outside the EU', () => {
    expect(() => applyEuGuard(new App(), ['eu-central-1', 'eu-west-2'])).toThrow(/"eu-west-2" not an AWS region in the EU/);
  });
});

describe('EU guard: EDGE-optimized API Gateway endpoints', () => {
  it('fails a RestApi without endpoint types, which API Gateway makes EDGE', () => {
    const app = guardedApp();
    new apigw.RestApi(euStack(app), 'Api').root.addMethod('GET');
    expectBreach(app, 'EdgeOptimizedApi', 'Workload/Api/Resource', 'sets no endpoint type, so API Gateway makes it EDGE-optimized');
  });

  it('fails a RestApi declared EDGE', () => {
    const app = guardedApp();
    new apigw.RestApi(euStack(app), 'Api', { endpointTypes: [apigw.EndpointType.EDGE] }).root.addMethod('GET');
    expectBreach(app, 'EdgeOptimizedApi', 'Workload/Api/Resource', 'is EDGE-optimized');
  });

  it('fails a bare CfnRestApi and a SpecRestApi, both EDGE by default', () => {
    const app = guardedApp();
    const stack = euStack(app);
    new apigw.CfnRestApi(stack, 'Raw', { name: 'raw' });
    new apigw.SpecRestApi(stack, 'Spec', {
      apiDefinition: apigw.ApiDefinition.fromInline({ openapi: '3.0.1', info: { title: 'spec', version: '1' }, paths: {} }),
    });
    expectBreach(app, 'EdgeOptimizedApi', 'Workload/Raw', 'sets no endpoint type');
    expectBreach(app, 'EdgeOptimizedApi', 'Workload/Spec/Resource', 'sets no endpoint type');
  });

  it('fails an EDGE custom domain name', () => {
    const app = guardedApp();
    const stack = euStack(app);
    new apigw.DomainName(stack, 'Domain', {
      domainName: 'api.example.eu',
      endpointType: apigw.EndpointType.EDGE,
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/edge`),
    });
    expectBreach(app, 'EdgeOptimizedApi', 'Workload/Domain/Resource', 'uses CertificateArn');
  });

  it('passes a REGIONAL RestApi on a REGIONAL custom domain', () => {
    const app = guardedApp();
    const stack = euStack(app);
    const api = new apigw.RestApi(stack, 'Api', { endpointTypes: [apigw.EndpointType.REGIONAL] });
    api.root.addMethod('GET');
    api.addDomainName('Domain', {
      domainName: 'api.example.eu',
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', `arn:aws:acm:eu-central-1:${ACCOUNT}:certificate/regional`),
    });
    expect(euGuardReport(app)).toEqual([]);
  });
});

describe('EU guard: edge networks', () => {
  it('fails a CloudFront distribution', () => {
    const app = guardedApp();
    const stack = euStack(app);
    new cloudfront.Distribution(stack, 'Cdn', { defaultBehavior: { origin: new origins.HttpOrigin('api.example.eu') } });
    expectBreach(app, 'CloudFrontEdge', 'Workload/Cdn/Resource', 'AWS::CloudFront::Distribution serves and caches content');
  });

  it('fails S3 Transfer Acceleration, which rides on CloudFront edge locations', () => {
    const app = guardedApp();
    new s3.Bucket(euStack(app), 'Uploads', { transferAcceleration: true });
    expectBreach(app, 'CloudFrontEdge', 'Workload/Uploads/Resource', 'S3 Transfer Acceleration');
  });

  it('fails a Global Accelerator', () => {
    const app = guardedApp();
    new globalaccelerator.Accelerator(euStack(app), 'Accelerator');
    expectBreach(app, 'GlobalAccelerator', 'Workload/Accelerator/Resource', 'terminates client connections at AWS edge locations');
  });

  it('fails a Lambda@Edge function, in its us-east-1 stack and by its edgelambda trust', () => {
    const app = guardedApp();
    new cloudfront.experimental.EdgeFunction(euStack(app), 'Edge', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: inlineCode });
    const report = euGuardReport(app).join('\n\n');
    expect(report).toMatch(/deploys to us-east-1[\s\S]*Rule EuGuard::StackRegion/);
    expect(report).toMatch(/only a Lambda@Edge function needs[\s\S]*\/Edge\/ServiceRole\/Resource[\s\S]*Rule EuGuard::LambdaAtEdge/);
  });

  it('fails any role that edgelambda.amazonaws.com may assume, even in an EU stack', () => {
    const app = guardedApp();
    new iam.Role(euStack(app), 'EdgeRole', { assumedBy: new iam.ServicePrincipal('edgelambda.amazonaws.com') });
    expectBreach(app, 'LambdaAtEdge', 'Workload/EdgeRole/Resource', 'edgelambda.amazonaws.com is trusted here');
  });
});

describe('EU guard: replicas', () => {
  const table = (stack: Stack, replicas: dynamodb.ReplicaTableProps[]): dynamodb.TableV2 =>
    new dynamodb.TableV2(stack, 'Visits', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, replicas });

  it('fails a DynamoDB global table replica in us-east-1', () => {
    const app = guardedApp();
    table(euStack(app), [{ region: 'us-east-1' }]);
    expectBreach(app, 'CrossRegionReplica', 'Workload/Visits/Resource', 'a DynamoDB global table replica is in us-east-1');
  });

  it('fails an EU replica the config does not allow, and passes it once allowed', () => {
    const narrowed = guardedApp(['eu-central-1']);
    table(euStack(narrowed), [{ region: 'eu-west-1' }]);
    expectBreach(narrowed, 'CrossRegionReplica', 'Workload/Visits/Resource', 'is in eu-west-1');

    const widened = guardedApp(['eu-central-1', 'eu-west-1']);
    table(euStack(widened), [{ region: 'eu-west-1' }]);
    expect(euGuardReport(widened)).toEqual([]);
  });

  it('fails the legacy Table.replicationRegions replica', () => {
    const app = guardedApp();
    new dynamodb.Table(euStack(app), 'Legacy', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      replicationRegions: ['ap-southeast-2'],
    });
    expectBreach(app, 'CrossRegionReplica', 'Workload/Legacy/Replicaap-southeast-2/Default', 'is in ap-southeast-2');
  });

  it('fails a Secrets Manager replica outside the EU', () => {
    const app = guardedApp();
    new secretsmanager.Secret(euStack(app), 'ApiKeys', { replicaRegions: [{ region: 'us-west-2' }] });
    expectBreach(app, 'CrossRegionReplica', 'Workload/ApiKeys/Resource', 'a Secrets Manager secret replica is in us-west-2');
  });

  it('passes a table without replicas', () => {
    const app = guardedApp();
    table(euStack(app), []);
    expect(euGuardReport(app)).toEqual([]);
  });
});

describe('EU guard: S3 replication', () => {
  const replicatedBucket = (scope: Stack, destination: s3.IBucket): s3.Bucket =>
    new s3.Bucket(scope, 'Archive', { versioned: true, replicationRules: [{ destination, priority: 1 }] });

  it('fails replication to a bucket imported by name, whose region cannot be proven', () => {
    const app = guardedApp();
    const stack = euStack(app);
    replicatedBucket(stack, s3.Bucket.fromBucketName(stack, 'Elsewhere', 'archive-copy-somewhere'));
    expectBreach(app, 'S3Replication', 'Workload/Archive/Resource', 'bucket "archive-copy-somewhere" is not defined in this app');
  });

  it('passes replication to a bucket of the same stack, of another stack of the app, or of the parent of a nested stack', () => {
    const app = guardedApp();
    const stack = euStack(app);
    replicatedBucket(stack, new s3.Bucket(stack, 'Copy', { versioned: true }));
    const other = euStack(app, 'Other');
    replicatedBucket(other, new s3.Bucket(euStack(app, 'Copies'), 'Copy', { versioned: true }));
    replicatedBucket(new NestedStack(other, 'Nested'), new s3.Bucket(other, 'ParentCopy', { versioned: true }));
    expect(euGuardReport(app)).toEqual([]);
  });

  it('checks resources inside nested stacks', () => {
    const app = guardedApp();
    const nested = new NestedStack(euStack(app), 'Nested');
    replicatedBucket(nested, s3.Bucket.fromBucketArn(nested, 'Elsewhere', 'arn:aws:s3:::archive-copy-somewhere'));
    expectBreach(app, 'S3Replication', 'Workload/Nested/Archive/Resource', 'cannot be proven to stay in an allowed region');
  });
});

describe('EU guard: backup copies', () => {
  const planCopyingTo = (stack: Stack, vault: backup.IBackupVault): void => {
    const plan = new backup.BackupPlan(stack, 'Plan', { backupVault: new backup.BackupVault(stack, 'Vault') });
    plan.addRule(new backup.BackupPlanRule({ ruleName: 'daily', copyActions: [{ destinationBackupVault: vault }] }));
  };

  it('fails a copy to a vault in us-east-1', () => {
    const app = guardedApp();
    const stack = euStack(app);
    planCopyingTo(stack, backup.BackupVault.fromBackupVaultArn(stack, 'Far', `arn:aws:backup:us-east-1:${ACCOUNT}:backup-vault:far`));
    expectBreach(app, 'BackupCopy', 'Workload/Plan/Resource', 'the backup copy destination vault is in us-east-1');
  });

  it('passes a copy to a vault of the same stack', () => {
    const app = guardedApp();
    const stack = euStack(app);
    planCopyingTo(stack, new backup.BackupVault(stack, 'SecondVault'));
    expect(euGuardReport(app)).toEqual([]);
  });
});

describe('EU guard: log and data destinations', () => {
  const subscribe = (stack: Stack, stream: kinesis.IStream): void => {
    new logs.SubscriptionFilter(stack, 'Forward', {
      logGroup: new logs.LogGroup(stack, 'Logs'),
      destination: new logDestinations.KinesisDestination(stream),
      filterPattern: logs.FilterPattern.allEvents(),
    });
  };

  it('fails a log subscription to a Kinesis stream in us-east-1', () => {
    const app = guardedApp();
    const stack = euStack(app);
    subscribe(stack, kinesis.Stream.fromStreamArn(stack, 'Far', `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/far`));
    expectBreach(app, 'LogOrDataDestination', 'Workload/Forward/Resource', 'the log subscription destination is in us-east-1');
  });

  it('fails a CloudTrail trail writing to a bucket known only by name', () => {
    const app = guardedApp();
    const stack = euStack(app);
    new cloudtrail.Trail(stack, 'Trail', { bucket: s3.Bucket.fromBucketName(stack, 'TrailBucket', 'org-trail-somewhere') });
    expectBreach(app, 'LogOrDataDestination', 'Workload/Trail/Resource', 'the CloudTrail log bucket cannot be proven');
  });

  it('fails a Firehose stream delivering to an HTTP endpoint outside AWS', () => {
    const app = guardedApp();
    const stack = euStack(app);
    new firehose.CfnDeliveryStream(stack, 'ToVendor', {
      httpEndpointDestinationConfiguration: {
        endpointConfiguration: { url: 'https://logs.vendor.example/ingest' },
        s3Configuration: { bucketArn: new s3.Bucket(stack, 'Backup').bucketArn, roleArn: `arn:aws:iam::${ACCOUNT}:role/firehose` },
      },
    });
    expectBreach(app, 'LogOrDataDestination', 'Workload/ToVendor', 'delivers to a service outside AWS');
  });

  it('passes a log subscription to a stream and a trail to a bucket, both in the same stack', () => {
    const app = guardedApp();
    const stack = euStack(app);
    subscribe(stack, new kinesis.Stream(stack, 'Stream'));
    new cloudtrail.Trail(stack, 'Trail', { bucket: new s3.Bucket(stack, 'TrailBucket') });
    expect(euGuardReport(app)).toEqual([]);
  });
});

describe('EU guard as a validation plugin', () => {
  it('cannot be acknowledged away: its violations are FATAL', () => {
    const app = guardedApp();
    const stack = euStack(app);
    new cloudfront.Distribution(stack, 'Cdn', { defaultBehavior: { origin: new origins.HttpOrigin('api.example.eu') } });
    Validations.of(stack).acknowledge({ id: 'EuGuard::CloudFrontEdge', reason: 'trying to waive the EU-only clause' });
    expectBreach(app, 'CloudFrontEdge', 'Workload/Cdn/Resource', 'CloudFront edge locations');
  });

  it('makes the real `cdk synth` CLI exit non-zero with the report', () => {
    const { NODE_ENV: _testMode, ...env } = process.env;
    const result = spawnSync(
      'npx',
      ['cdk', 'synth', '--app', 'npx tsx test/guardrails/fixtures/breaching-app.ts', '--no-notices', '--no-version-reporting', '-o', mkdtempSync(path.join(tmpdir(), 'eu-guard-'))],
      { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/FATAL The REST API sets no endpoint type[\s\S]*Workload\/Api\/Resource[\s\S]*Rule EuGuard::EdgeOptimizedApi/);
  }, 60_000);

  it('reports side by side with cdk-nag v3 in one validation report', () => {
    const app = guardedApp();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new s3.Bucket(euStack(app), 'Uploads', { transferAcceleration: true });
    const message = synthFailure(app);
    expect(message).toContain('Rule EuGuard::CloudFrontEdge');
    expect(message).toContain('AwsSolutions-S');
  });

  it('passes a representative compliant workload and the guardrail stack itself', () => {
    const app = guardedApp(['eu-central-1', 'eu-west-1']);
    const stack = euStack(app);
    const fn = new lambda.Function(stack, 'Enrich', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: inlineCode });
    const accessLogs = new logs.LogGroup(stack, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    new apigw.LambdaRestApi(stack, 'Api', {
      handler: fn,
      endpointTypes: [apigw.EndpointType.REGIONAL],
      deployOptions: { accessLogDestination: new apigw.LogGroupLogDestination(accessLogs) },
    });
    new dynamodb.TableV2(stack, 'Visits', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      replicas: [{ region: 'eu-west-1' }],
    });
    const vault = new backup.BackupVault(stack, 'Vault');
    const plan = new backup.BackupPlan(stack, 'Plan', { backupVault: vault });
    plan.addRule(new backup.BackupPlanRule({ ruleName: 'daily', deleteAfter: Duration.days(30), copyActions: [{ destinationBackupVault: new backup.BackupVault(stack, 'CopyVault') }] }));
    new cloudtrail.Trail(stack, 'Trail', { bucket: new s3.Bucket(stack, 'TrailBucket') });
    new GuardrailStack(app, 'EuGuardrails', { targetIds: ['ou-ab12-cdef3456'], allowedRegions: ['eu-central-1', 'eu-west-1'] });
    expect(euGuardReport(app)).toEqual([]);
  });
});
