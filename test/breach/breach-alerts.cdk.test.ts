import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, AUDITOR_PRINCIPALS, buildBreachTestStack, OPERATIONS_EMAILS, TEST_TENANTS } from './support/breach-test-stack.js';

let template: Template;
let built: ReturnType<typeof buildBreachTestStack>;
let resources: Record<string, any>;

beforeAll(() => {
  built = buildBreachTestStack();
  template = Template.fromStack(built.stack);
  resources = template.toJSON().Resources;
});

const logicalId = (construct: { node: any }) => built.stack.getLogicalId(construct.node.defaultChild);
const topicRef = (tenantId: string) => ({ Ref: logicalId(built.alertTopics.tenantTopic(tenantId) as never) });
const operationsTopicRef = () => ({ Ref: logicalId(built.alertTopics.operationsTopic) });
const requestTopicRef = (tenantId: string) => ({ Ref: logicalId(built.alertTopics.requestTopic(tenantId) as never) });

describe('BreachAlertTopics', () => {
  it('gives every tenant its own topic, named so the functions can address it, subscribed by its contact addresses', () => {
    for (const tenant of TEST_TENANTS) {
      template.hasResourceProperties('AWS::SNS::Topic', { TopicName: `BreachTest-breach-notice-${tenant.id}` });
      const subscriptions = template.findResources('AWS::SNS::Subscription', { Properties: { TopicArn: topicRef(tenant.id) } });
      expect(Object.values(subscriptions).map((s: any) => [s.Properties.Protocol, s.Properties.Endpoint]).sort()).toEqual(
        tenant.contactEmails.map((email) => ['email', email]).sort(),
      );
    }
  });

  it('gives every tenant a second topic for forwarded data-subject requests, apart from its breach notices', () => {
    for (const tenant of TEST_TENANTS) {
      template.hasResourceProperties('AWS::SNS::Topic', { TopicName: `BreachTest-data-subject-requests-${tenant.id}` });
      expect(requestTopicRef(tenant.id)).not.toEqual(topicRef(tenant.id));
      const subscriptions = template.findResources('AWS::SNS::Subscription', { Properties: { TopicArn: requestTopicRef(tenant.id) } });
      expect(Object.values(subscriptions).map((s: any) => s.Properties.Endpoint).sort()).toEqual([...tenant.contactEmails].sort());
    }
  });

  it('subscribes the operations addresses to the operations topic only', () => {
    const subscriptions = template.findResources('AWS::SNS::Subscription', { Properties: { TopicArn: operationsTopicRef() } });
    expect(Object.values(subscriptions).map((s: any) => s.Properties.Endpoint)).toEqual(OPERATIONS_EMAILS);
    const tenantSubscriptions = Object.values(template.findResources('AWS::SNS::Subscription')).filter((s: any) => s.Properties.Endpoint === OPERATIONS_EMAILS[0]);
    expect(tenantSubscriptions).toHaveLength(1);
  });

  it('encrypts every topic with the rotating customer-managed key and refuses non-TLS publishing', () => {
    const keyId = logicalId(built.alertTopics.encryptionKey);
    expect(resources[keyId].Properties.EnableKeyRotation).toBe(true);
    const topics = template.findResources('AWS::SNS::Topic');
    expect(Object.keys(topics)).toHaveLength(2 * TEST_TENANTS.length + 1);
    for (const [id, topic] of Object.entries<any>(topics)) {
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      const policy = Object.values<any>(template.findResources('AWS::SNS::TopicPolicy')).find((p) => p.Properties.Topics.some((t: any) => t.Ref === id));
      expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('lets only this account\'s alarms publish to the operations topic as the CloudWatch service', () => {
    const policy = Object.values<any>(template.findResources('AWS::SNS::TopicPolicy')).find((p) => p.Properties.Topics[0].Ref === operationsTopicRef().Ref);
    const allows = policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': ACCOUNT } }),
      }),
    ]);
  });
});

describe('alarms and alerts', () => {
  it('send every alarm to the operations topic and to no tenant topic, described as a suspected incident or a stored-but-unnotified breach', () => {
    const alarms = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'));
    // DLQ, held notice, delivery check, API 5xx, errors + throttles of three functions
    expect(alarms.length).toBe(3 + 1 + 3 * 2);
    const tenantTopics = TEST_TENANTS.map((tenant) => topicRef(tenant.id));
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([operationsTopicRef()]);
      for (const topic of tenantTopics) expect(JSON.stringify(alarm.Properties)).not.toContain(topic.Ref);
      expect(alarm.Properties.AlarmDescription).toMatch(
        /SUSPECTED INCIDENT, not a confirmed breach|STORED breach record could not be notified|breach notice was held back|delivery check found a breach topic/,
      );
    }
  });

  it('watch the API 5xx rate, every given function\'s errors and throttles, and the notification dead letters', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5XXError', Statistic: 'Average', Threshold: 0.05 });
    for (const fn of [built.reporting.reportFunction.function, built.reporting.notifyFunction.function, built.otherFunction.function]) {
      for (const metric of ['Errors', 'Throttles']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(fn) } }],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
      }
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(built.reporting.deadLetterQueue), 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('send changes to the register\'s bucket policy, lock or key to the operations topic only, through an account-bound role', () => {
    const rules = Object.values<any>(template.findResources('AWS::Events::Rule')).filter((rule) => rule.Properties.EventPattern);
    expect(rules.map((rule) => rule.Properties.EventPattern.source)).toEqual([['aws.s3'], ['aws.kms']]);
    expect(rules[0].Properties.EventPattern.detail.eventName).toEqual(expect.arrayContaining(['PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketObjectLockConfiguration']));
    expect(rules[1].Properties.EventPattern.detail.eventName).toEqual(expect.arrayContaining(['PutKeyPolicy', 'ScheduleKeyDeletion', 'DisableKey']));
    for (const rule of rules) {
      expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: operationsTopicRef(), RoleArn: expect.anything() })]);
    }
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }],
      },
    });
  });
});

describe('breach notices proven delivered', () => {
  const alarmOn = (metricName: string) =>
    Object.values<any>(template.findResources('AWS::CloudWatch::Alarm')).filter((alarm) => alarm.Properties.MetricName === metricName);

  it('lets the breach functions read their topics\' subscription counts before publishing', () => {
    for (const fn of [built.reporting.reportFunction, built.reporting.notifyFunction]) {
      const policies = Object.values<any>(template.findResources('AWS::IAM::Policy')).filter((p) => p.Properties.Roles.some((r: any) => r.Ref === logicalId(fn.role)));
      const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
      // minimizePolicies merges the publish and the count into one statement on the same topics.
      expect(statements).toContainEqual(
        expect.objectContaining({ Action: ['sns:GetTopicAttributes', 'sns:Publish'], Resource: TEST_TENANTS.map((t) => topicRef(t.id)) }),
      );
    }
  });

  it('alarms the operations topic as soon as a notice is held back, counted from both functions\' logs', () => {
    const filters = Object.values<any>(template.findResources('AWS::Logs::MetricFilter')).filter(
      (f) => f.Properties.MetricTransformations[0].MetricName === 'NoticesHeldWithoutConfirmedSubscription',
    );
    expect(filters.map((f) => f.Properties.FilterPattern).sort()).toEqual(['{ $.message = "breach notice held: no confirmed subscription" }', '{ $.message = "breach notice held: no confirmed subscription" }']);
    expect(filters.map((f) => f.Properties.LogGroupName).sort((a, b) => a.Ref.localeCompare(b.Ref))).toEqual(
      [built.reporting.reportFunction, built.reporting.notifyFunction].map((fn) => ({ Ref: logicalId(fn.logGroup.logGroup) })).sort((a, b) => a.Ref.localeCompare(b.Ref)),
    );
    const [alarm] = alarmOn('NoticesHeldWithoutConfirmedSubscription');
    expect(alarm.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [operationsTopicRef()] });
  });

  it('runs the delivery check daily, reading only the breach and operations topics, and alarms operations on its findings', () => {
    const schedules = Object.values<any>(template.findResources('AWS::Events::Rule')).filter((rule) => rule.Properties.ScheduleExpression);
    expect(schedules).toEqual([
      expect.objectContaining({ Properties: expect.objectContaining({ ScheduleExpression: 'rate(1 day)', Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': [logicalId(built.reporting.deliveryCheckFunction.function), 'Arn'] } })] }) }),
    ]);
    const policies = Object.values<any>(template.findResources('AWS::IAM::Policy')).filter((p) => p.Properties.Roles.some((r: any) => r.Ref === logicalId(built.reporting.deliveryCheckFunction.role)));
    const snsStatements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((st: any) => JSON.stringify(st.Action).includes('sns:'));
    expect(snsStatements).toEqual([
      expect.objectContaining({
        Action: ['sns:GetSubscriptionAttributes', 'sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic'],
        Resource: [operationsTopicRef(), ...TEST_TENANTS.map((t) => topicRef(t.id))],
      }),
    ]);
    const [alarm] = alarmOn('TopicsThatMayNotDeliver');
    expect(alarm.Properties.AlarmActions).toEqual([operationsTopicRef()]);
  });
});

describe('BreachReporting', () => {
  it('runs the report and notify functions on Node.js 24 arm64 with the register, tenants and retry queue in their environment', () => {
    for (const fn of [built.reporting.reportFunction.function, built.reporting.notifyFunction.function]) {
      const { Properties } = resources[logicalId(fn)];
      expect(Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
      expect(Properties.Environment.Variables).toMatchObject({
        BREACH_REGISTER_BUCKET: { Ref: logicalId(built.register.bucket) },
        BREACH_RETENTION_YEARS: '7',
        BREACH_TENANT_IDS: 'acme,globex',
        BREACH_RETRY_QUEUE_URL: { Ref: logicalId(built.reporting.retryQueue) },
      });
      expect(JSON.stringify(Properties.Environment.Variables.BREACH_TENANT_TOPIC_ARN_PREFIX)).toContain(':BreachTest-breach-notice-');
    }
  });

  it('retries notifications from a KMS-encrypted, TLS-only queue with a dead-letter queue', () => {
    const keyArn = { 'Fn::GetAtt': [logicalId(built.reporting.encryptionKey), 'Arn'] };
    const retry = resources[logicalId(built.reporting.retryQueue)].Properties;
    expect(retry).toMatchObject({
      KmsMasterKeyId: keyArn,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(built.reporting.deadLetterQueue), 'Arn'] }, maxReceiveCount: 5 },
    });
    expect(retry.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 30);
    expect(resources[logicalId(built.reporting.deadLetterQueue)].Properties).toMatchObject({ KmsMasterKeyId: keyArn, MessageRetentionPeriod: 14 * 86400 });
    expect(retry.MessageRetentionPeriod).toBe(4 * 86400);
    for (const queue of [built.reporting.retryQueue, built.reporting.deadLetterQueue]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId(queue) }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(built.reporting.notifyFunction.function) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('AuditorAccess', () => {
  it('trusts exactly the configured auditors, with MFA, for one-hour sessions', () => {
    const role = resources[logicalId(built.auditors.role)].Properties;
    expect(role.MaxSessionDuration).toBe(3600);
    const mfa = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: AUDITOR_PRINCIPALS[0] }, Condition: mfa },
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::210987654321:root']] } },
        Condition: { ...mfa, ArnLike: { 'aws:PrincipalArn': AUDITOR_PRINCIPALS[1] } },
      },
    ]);
  });
});
