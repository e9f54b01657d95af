import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, buildBreachTestStack } from './support/breach-test-stack.js';
import { decide, type Decision, type Principal } from './support/iam-decision.js';
import { TemplatePolicies } from './support/template-policies.js';

/**
 * Policy EVALUATION (not reading): the synthesized bucket, topic and key policies together with each
 * role's identity policies, decided by @cloud-copilot/iam-simulate as IAM would decide them.
 */
const REGION = 'eu-central-1';
const RECORD = 'breaches/2026/11/25/BR-20261125-7f3c2a9e-5d1b-4c8e-9a6f-0b2d4e6f8a1c.json';
const MARKER = 'notifications/BR-20261125-7f3c2a9e-5d1b-4c8e-9a6f-0b2d4e6f8a1c/acme.json';

let t: TemplatePolicies;
let bucketArn: string;
let bucketPolicy: unknown;
let roles: Record<'report' | 'notify' | 'auditor' | 'other' | 'alertPublisher', Principal>;
/** A principal with AdministratorAccess: what the bucket policy alone must stop. */
const administrator: Principal = {
  name: 'administrator',
  arn: `arn:aws:iam::${ACCOUNT}:role/Administrator`,
  policies: [{ name: 'AdministratorAccess', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
};
const everyone = () => [...Object.values(roles), administrator];

beforeAll(() => {
  const built = buildBreachTestStack();
  t = new TemplatePolicies(Template.fromStack(built.stack).toJSON(), ACCOUNT, REGION, built.stack.stackName);
  const id = (construct: { node: any }) => built.stack.getLogicalId(construct.node.defaultChild);
  const principal = (name: string, role: { node: any }): Principal => ({ name, arn: t.arn(id(role)), policies: t.identityPolicies(id(role)) });
  const bucket = id(built.register.bucket);
  bucketArn = t.arn(bucket);
  bucketPolicy = t.bucketPolicy(bucket);
  const alertPublisher = built.alarms.node.findChild('AlertPublisher') as never;
  roles = {
    report: principal('report function', built.reporting.reportFunction.role),
    notify: principal('notify function', built.reporting.notifyFunction.role),
    auditor: principal('auditor', built.auditors.role),
    other: principal('function without breach grants (enrichment stand-in)', built.otherFunction.role),
    alertPublisher: principal('alert publisher', alertPublisher),
  };
});

const onRegister = (principal: Principal, action: string, key?: string): Promise<Decision> =>
  decide(principal, { action, resource: key === undefined ? bucketArn : `${bucketArn}/${key}`, resourcePolicy: bucketPolicy }, ACCOUNT);

describe('the breach register bucket', () => {
  it('lets the auditor list and read records, markers, versions, retention and legal holds', async () => {
    for (const action of ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectRetention', 's3:GetObjectLegalHold', 's3:GetObjectAttributes']) {
      expect(await onRegister(roles.auditor, action, RECORD), action).toBe('Allowed');
      expect(await onRegister(roles.auditor, action, MARKER), action).toBe('Allowed');
    }
    for (const action of ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketObjectLockConfiguration']) {
      expect(await onRegister(roles.auditor, action), action).toBe('Allowed');
    }
  });

  it('keeps the auditor from deleting, overwriting or changing retention, holds or the lock', async () => {
    for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:BypassGovernanceRetention']) {
      expect(await onRegister(roles.auditor, action, RECORD), action).not.toBe('Allowed');
    }
    for (const action of ['s3:PutBucketObjectLockConfiguration', 's3:PutBucketPolicy', 's3:PutLifecycleConfiguration']) {
      expect(await onRegister(roles.auditor, action), action).not.toBe('Allowed');
    }
  });

  it('lets only the report function write a record or set its retention, even against AdministratorAccess', async () => {
    for (const principal of everyone()) {
      const expected = principal === roles.report ? 'Allowed' : expect.not.stringMatching(/^Allowed$/);
      expect(await onRegister(principal, 's3:PutObject', RECORD), principal.name).toEqual(expected);
      expect(await onRegister(principal, 's3:PutObjectRetention', RECORD), principal.name).toEqual(expected);
    }
    expect(await onRegister(administrator, 's3:PutObject', RECORD)).toBe('ExplicitlyDenied');
  });

  it('lets only the breach functions write notification markers', async () => {
    for (const principal of everyone()) {
      const mayWrite = principal === roles.report || principal === roles.notify;
      expect(await onRegister(principal, 's3:PutObject', MARKER), principal.name).toEqual(mayWrite ? 'Allowed' : expect.not.stringMatching(/^Allowed$/));
    }
  });

  it('lets no principal in the stack (nor an administrator) delete a version, add a delete marker or weaken the lock', async () => {
    for (const principal of everyone()) {
      for (const action of ['s3:DeleteObjectVersion', 's3:DeleteObject', 's3:BypassGovernanceRetention']) {
        expect(await onRegister(principal, action, RECORD), `${principal.name} ${action}`).not.toBe('Allowed');
      }
      for (const action of ['s3:PutBucketObjectLockConfiguration', 's3:PutLifecycleConfiguration', 's3:PutBucketVersioning']) {
        expect(await onRegister(principal, action), `${principal.name} ${action}`).not.toBe('Allowed');
      }
    }
    expect(await onRegister(administrator, 's3:DeleteObjectVersion', RECORD)).toBe('ExplicitlyDenied');
    expect(await onRegister(administrator, 's3:PutBucketObjectLockConfiguration')).toBe('ExplicitlyDenied');
  });

  it('keeps breach records from any function without breach grants (purpose limitation) and from administrators', async () => {
    for (const principal of [roles.other, roles.alertPublisher, administrator]) {
      for (const action of ['s3:GetObject', 's3:GetObjectVersion']) expect(await onRegister(principal, action, RECORD), principal.name).not.toBe('Allowed');
      expect(await onRegister(principal, 's3:ListBucket'), principal.name).not.toBe('Allowed');
    }
    expect(await onRegister(roles.report, 's3:GetObject', RECORD)).toBe('Allowed');
    expect(await onRegister(roles.notify, 's3:GetObject', RECORD)).toBe('Allowed');
  });

  it('still lets an administrator replace the bucket policy (the documented limit: Object Lock, not IAM, guarantees immutability)', async () => {
    expect(await onRegister(administrator, 's3:PutBucketPolicy')).toBe('Allowed');
  });
});

describe('the keys and topics around it', () => {
  it('lets the auditor decrypt the register only through S3', async () => {
    const key = t.logicalId('AWS::KMS::Key', 'RegisterKey');
    const request = (context?: Record<string, string>) => ({ action: 'kms:Decrypt', resource: t.arn(key), resourcePolicy: t.keyPolicy(key), context });
    expect(await decide(roles.auditor, request({ 'kms:ViaService': `s3.${REGION}.amazonaws.com` }), ACCOUNT)).toBe('Allowed');
    expect(await decide(roles.auditor, request(), ACCOUNT)).not.toBe('Allowed');
    expect(await decide(roles.other, request({ 'kms:ViaService': `s3.${REGION}.amazonaws.com` }), ACCOUNT)).not.toBe('Allowed');
  });

  it('keeps everyone, administrators included, from disabling or deleting the register key', async () => {
    const key = t.logicalId('AWS::KMS::Key', 'RegisterKey');
    for (const principal of everyone()) {
      for (const action of ['kms:ScheduleKeyDeletion', 'kms:DisableKey']) {
        expect(await decide(principal, { action, resource: t.arn(key), resourcePolicy: t.keyPolicy(key) }, ACCOUNT), `${principal.name} ${action}`).not.toBe('Allowed');
      }
    }
  });

  it('lets only the breach functions publish to a controller\'s topic, and no function to the operations topic', async () => {
    const tenantTopic = t.logicalId('AWS::SNS::Topic', 'AlertTopicsTenantacme');
    const operationsTopic = t.logicalId('AWS::SNS::Topic', 'AlertTopicsOperations');
    const publish = (principal: Principal, topic: string) =>
      decide(principal, { action: 'sns:Publish', resource: t.ref(topic), resourcePolicy: t.topicPolicy(topic) }, ACCOUNT);
    for (const principal of Object.values(roles)) {
      const breachFunction = principal === roles.report || principal === roles.notify;
      expect(await publish(principal, tenantTopic), principal.name).toBe(breachFunction ? 'Allowed' : 'ImplicitlyDenied');
      expect(await publish(principal, operationsTopic), principal.name).toBe(principal === roles.alertPublisher ? 'Allowed' : 'ImplicitlyDenied');
    }
  });
});
