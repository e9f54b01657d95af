import { Template } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRAIL_METRIC_NAMESPACE } from '../../lib/breach/operational-alarms.js';
import { buildTestApp } from '../infra/test-app.js';
import { filterPatternMatches } from '../support/filter-pattern.js';

/**
 * The suspected-incident detectors on the audit trail's log group, checked two ways: the template
 * (a metric filter on the trail's log group and an alarm to the operations topic, never a controller's,
 * per detector) and each filter pattern as synthesized, evaluated against CloudTrail records of the
 * calls it must catch and of ordinary work it must let pass (CloudWatch Logs itself cannot run
 * locally: test/support/filter-pattern.ts stands in for it). Deploy-time values in a pattern are
 * rendered as `<LogicalId>` / `<LogicalId.Attribute>`, and the records use the same placeholders.
 */
const ACCOUNT = '123456789012';
const REGION = 'eu-central-1';
const BREAK_GLASS = { breakGlassRoleArnPattern: 'arn:aws:iam::*:role/break-glass/BreakGlass', breakGlassAdministratorArn: 'arn:aws:iam::*:role/OrganizationAccountAccessRole' };

let template: Template;
let patterns: Record<string, string>;
let ids: { table: string; visitsRole: string; visitorDataRole: string; collectRole: string; auditBucket: string; registerBucket: string; trailLogGroup: string; operations: string };

function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(render).join(v['Fn::Join'][0]);
  if (v.Ref === 'AWS::AccountId') return ACCOUNT;
  if (v.Ref === 'AWS::Region') return REGION;
  if (v.Ref === 'AWS::Partition') return 'aws';
  if (v.Ref) return `<${v.Ref}>`;
  if (v['Fn::GetAtt']) return `<${v['Fn::GetAtt'].join('.')}>`;
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

beforeAll(() => {
  const { enrichment: stack } = buildTestApp({ 'aws:cdk:bundling-stacks': [], ...BREAK_GLASS });
  template = Template.fromStack(stack);
  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  ids = {
    table: id(stack.visits.table),
    visitsRole: stack.getLogicalId(stack.visitsFunction.role.node.defaultChild as CfnElement),
    visitorDataRole: stack.getLogicalId(stack.visitorDataFunction.role.node.defaultChild as CfnElement),
    collectRole: stack.getLogicalId(stack.collectFunction.role.node.defaultChild as CfnElement),
    auditBucket: id(stack.auditTrail.bucket),
    registerBucket: id(stack.breachRegister.bucket),
    trailLogGroup: stack.getLogicalId(stack.auditTrail.logGroup.node.defaultChild as CfnElement),
    operations: id(stack.alertTopics.operationsTopic),
  };
  patterns = Object.fromEntries(
    Object.values(template.findResources('AWS::Logs::MetricFilter'))
      .filter((filter) => filter.Properties.MetricTransformations[0].MetricNamespace === TRAIL_METRIC_NAMESPACE)
      .map((filter) => [filter.Properties.MetricTransformations[0].MetricName, render(filter.Properties.FilterPattern)]),
  );
});

const session = (role: string, name = 'session') => ({ type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${name}` });
const ADMIN = session('Administrator', 'jane');
const IAM_USER = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/bob` };
const record = (eventSource: string, eventName: string, userIdentity: object, requestParameters: object = {}, resources?: object[]) => ({
  eventVersion: '1.09', eventSource, eventName, awsRegion: REGION, userIdentity, requestParameters, ...(resources ? { resources } : {}),
});
const tableResources = () => [{ accountId: ACCOUNT, type: 'AWS::DynamoDB::Table', ARN: `<${ids.table}.Arn>` }];
const breachTopic = (tenant: string) => `arn:aws:sns:${REGION}:${ACCOUNT}:EuEnrichment-breach-notice-${tenant}`;
const requestTopic = (tenant: string) => `arn:aws:sns:${REGION}:${ACCOUNT}:EuEnrichment-data-subject-requests-${tenant}`;
const secretArn = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}`;

/** Detector → the records it must catch, and ordinary records it must not. */
const cases: Record<string, { catches: () => object[]; passes: () => object[] }> = {
  PseudonymKeyReadByOther: {
    catches: () => [
      record('secretsmanager.amazonaws.com', 'GetSecretValue', ADMIN, { secretId: secretArn('EuEnrichment/pseudonym-key/acme-AbCdEf') }),
      record('secretsmanager.amazonaws.com', 'GetSecretValue', IAM_USER, { secretId: 'EuEnrichment/pseudonym-key/acme-AbCdEf' }),
      record('secretsmanager.amazonaws.com', 'GetSecretValue', ADMIN, { secretId: secretArn('EuEnrichment/pseudonym-key/globex-XyZ') }),
    ],
    passes: () => [
      record('secretsmanager.amazonaws.com', 'GetSecretValue', session(`<${ids.visitsRole}>`, 'EuEnrichment-Visits'), { secretId: secretArn('EuEnrichment/pseudonym-key/acme-AbCdEf') }),
      record('secretsmanager.amazonaws.com', 'GetSecretValue', session(`<${ids.visitorDataRole}>`), { secretId: secretArn('EuEnrichment/pseudonym-key/acme-AbCdEf') }),
      record('secretsmanager.amazonaws.com', 'GetSecretValue', session(`<${ids.collectRole}>`), { secretId: secretArn('EuEnrichment/pseudonym-key/acme-AbCdEf') }),
      record('secretsmanager.amazonaws.com', 'GetSecretValue', ADMIN, { secretId: secretArn('SomeOtherSecret-AbCdEf') }),
      record('secretsmanager.amazonaws.com', 'DescribeSecret', ADMIN, { secretId: secretArn('EuEnrichment/pseudonym-key/acme-AbCdEf') }),
    ],
  },
  VisitsReadByOther: {
    catches: () => [
      record('dynamodb.amazonaws.com', 'Query', ADMIN, {}, tableResources()),
      record('dynamodb.amazonaws.com', 'GetItem', IAM_USER, {}, tableResources()),
      record('dynamodb.amazonaws.com', 'ExecuteStatement', ADMIN, {}, tableResources()),
    ],
    passes: () => [
      record('dynamodb.amazonaws.com', 'Query', session(`<${ids.visitsRole}>`), {}, tableResources()),
      record('dynamodb.amazonaws.com', 'BatchGetItem', session(`<${ids.visitorDataRole}>`), {}, tableResources()),
      record('dynamodb.amazonaws.com', 'Query', ADMIN, {}, [{ ARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/other` }]),
      record('dynamodb.amazonaws.com', 'PutItem', ADMIN, {}, tableResources()),
    ],
  },
  VisitsScanned: {
    catches: () => [record('dynamodb.amazonaws.com', 'Scan', session(`<${ids.visitsRole}>`), {}, tableResources())],
    passes: () => [record('dynamodb.amazonaws.com', 'Query', ADMIN, {}, tableResources())],
  },
  VisitsExported: {
    catches: () => [record('dynamodb.amazonaws.com', 'ExportTableToPointInTime', ADMIN, { tableArn: `<${ids.table}.Arn>`, s3Bucket: 'exports' })],
    passes: () => [record('dynamodb.amazonaws.com', 'ExportTableToPointInTime', ADMIN, { tableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/other` })],
  },
  VisitsBackedUp: {
    catches: () => [record('dynamodb.amazonaws.com', 'CreateBackup', ADMIN, { tableName: `<${ids.table}>`, backupName: 'copy' })],
    passes: () => [record('dynamodb.amazonaws.com', 'DescribeContinuousBackups', ADMIN, { tableName: `<${ids.table}>` })],
  },
  MassErasure: {
    catches: () => [
      record('dynamodb.amazonaws.com', 'DeleteItem', session(`<${ids.visitorDataRole}>`), {}, tableResources()),
      record('dynamodb.amazonaws.com', 'BatchWriteItem', ADMIN, {}, tableResources()),
    ],
    passes: () => [record('dynamodb.amazonaws.com', 'DeleteItem', ADMIN, {}, [{ ARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/other` }])],
  },
  AuditTrailTampered: {
    catches: () => ['StopLogging', 'DeleteTrail', 'PutEventSelectors'].map((name) => record('cloudtrail.amazonaws.com', name, ADMIN, { name: 'trail' })),
    passes: () => [record('cloudtrail.amazonaws.com', 'DescribeTrails', ADMIN), record('cloudtrail.amazonaws.com', 'LookupEvents', ADMIN)],
  },
  ProtectedBucketChanged: {
    catches: () => [
      record('s3.amazonaws.com', 'PutBucketPolicy', ADMIN, { bucketName: `<${ids.auditBucket}>` }),
      record('s3.amazonaws.com', 'DeleteBucketPolicy', ADMIN, { bucketName: `<${ids.registerBucket}>` }),
    ],
    passes: () => [
      record('s3.amazonaws.com', 'PutBucketPolicy', ADMIN, { bucketName: 'some-other-bucket' }),
      record('s3.amazonaws.com', 'GetBucketPolicy', ADMIN, { bucketName: `<${ids.auditBucket}>` }),
    ],
  },
  BreachTopicUnsubscribed: {
    catches: () => [
      record('sns.amazonaws.com', 'Unsubscribe', { type: 'Unknown', principalId: '', accountId: 'anonymous' }, { subscriptionArn: `${breachTopic('acme')}:0b5e6f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b` }),
      record('sns.amazonaws.com', 'Unsubscribe', ADMIN, { subscriptionArn: `${breachTopic('globex')}:0b5e6f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b` }),
    ],
    passes: () => [record('sns.amazonaws.com', 'Unsubscribe', ADMIN, { subscriptionArn: `${requestTopic('acme')}:0b5e6f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b` })],
  },
  BreachTopicChanged: {
    catches: () => [record('sns.amazonaws.com', 'DeleteTopic', ADMIN, { topicArn: breachTopic('acme') }), record('sns.amazonaws.com', 'SetTopicAttributes', ADMIN, { topicArn: breachTopic('acme'), attributeName: 'Policy' })],
    passes: () => [record('sns.amazonaws.com', 'DeleteTopic', ADMIN, { topicArn: requestTopic('acme') }), record('sns.amazonaws.com', 'GetTopicAttributes', ADMIN, { topicArn: breachTopic('acme') })],
  },
  BreakGlassRoleChanged: {
    catches: () => [
      record('iam.amazonaws.com', 'CreateRole', ADMIN, { roleName: 'BreakGlass', path: '/break-glass/' }),
      record('iam.amazonaws.com', 'UpdateAssumeRolePolicy', ADMIN, { roleName: 'BreakGlass' }),
      record('iam.amazonaws.com', 'AttachRolePolicy', ADMIN, { roleName: 'BreakGlass', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
    ],
    passes: () => [record('iam.amazonaws.com', 'CreateRole', ADMIN, { roleName: 'Developer', path: '/' }), record('iam.amazonaws.com', 'GetRole', ADMIN, { roleName: 'BreakGlass' })],
  },
  BreakGlassRoleAssumed: {
    catches: () => [record('sts.amazonaws.com', 'AssumeRole', ADMIN, { roleArn: `arn:aws:iam::${ACCOUNT}:role/break-glass/BreakGlass`, roleSessionName: 'incident' })],
    passes: () => [record('sts.amazonaws.com', 'AssumeRole', ADMIN, { roleArn: `arn:aws:iam::${ACCOUNT}:role/Developer`, roleSessionName: 'work' })],
  },
};

describe('suspected-incident detectors on the audit trail', () => {
  it('has a detector for every case listed here, and none that is not listed', () => {
    expect(Object.keys(patterns).sort()).toEqual(Object.keys(cases).sort());
  });

  it.each(Object.keys(cases))('%s: catches what it must, and lets ordinary work pass', (name) => {
    const pattern = patterns[name]!;
    expect(pattern.length, 'CloudWatch Logs accepts filter patterns of up to 1024 characters').toBeLessThanOrEqual(1024);
    for (const event of cases[name]!.catches()) expect(filterPatternMatches(pattern, event), JSON.stringify(event)).toBe(true);
    for (const event of cases[name]!.passes()) expect(filterPatternMatches(pattern, event), JSON.stringify(event)).toBe(false);
  });

  it('filters the trail’s own log group, which holds every region’s events (IAM and STS included)', () => {
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')).filter(
      (filter) => filter.Properties.MetricTransformations[0].MetricNamespace === TRAIL_METRIC_NAMESPACE,
    );
    for (const filter of filters) expect(filter.Properties.LogGroupName).toEqual({ Ref: ids.trailLogGroup });
    template.hasResourceProperties('AWS::CloudTrail::Trail', { IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true });
  });

  it.each(Object.keys(cases))('%s alarms the operations topic, and nobody else', (name) => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => alarm.Properties.Namespace === TRAIL_METRIC_NAMESPACE && alarm.Properties.MetricName === name,
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.Properties.AlarmActions).toEqual([{ Ref: ids.operations }]);
    expect(alarms[0]!.Properties.Threshold).toBe(name === 'MassErasure' ? 1000 : 0);
    expect(alarms[0]!.Properties.AlarmDescription).toMatch(/SUSPECTED INCIDENT/);
  });
});
