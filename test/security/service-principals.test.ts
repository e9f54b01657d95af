import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../infra/test-app.js';

/**
 * Confused deputy: a resource policy that lets an AWS service in must say on whose behalf, or the
 * service acting for another account could use it. Every Allow to a service principal in a key,
 * bucket or topic policy of the app names this account (aws:SourceAccount) and the source resources
 * (aws:SourceArn), or, for CloudWatch Logs, the log groups by the key's encryption context.
 */
type Statement = { Sid?: string; Effect: string; Principal?: any; Action: string | string[]; Condition?: Record<string, Record<string, unknown>> };

let statements: Array<{ resource: string; statement: Statement }>;

beforeAll(() => {
  const { enrichment } = buildTestApp({ 'aws:cdk:bundling-stacks': [] });
  const resources = Template.fromStack(enrichment).toJSON().Resources as Record<string, any>;
  statements = Object.entries(resources).flatMap(([id, resource]) => {
    const document = resource.Type === 'AWS::KMS::Key' ? resource.Properties.KeyPolicy : ['AWS::S3::BucketPolicy', 'AWS::SNS::TopicPolicy'].includes(resource.Type) ? resource.Properties.PolicyDocument : undefined;
    return ((document?.Statement ?? []) as Statement[]).map((statement) => ({ resource: id, statement }));
  });
});

const conditionKeys = (statement: Statement) => Object.values(statement.Condition ?? {}).flatMap((values) => Object.keys(values));
const servicesOf = (statement: Statement): string[] => [statement.Principal?.Service ?? []].flat();

describe('service principals in resource policies', () => {
  it('finds the service-principal statements it checks (the check below is not vacuous)', () => {
    const services = new Set(statements.filter(({ statement }) => statement.Effect === 'Allow').flatMap(({ statement }) => servicesOf(statement)));
    expect([...services].sort()).toEqual(['cloudtrail.amazonaws.com', 'cloudwatch.amazonaws.com', 'logging.s3.amazonaws.com', 'logs.eu-central-1.amazonaws.com']);
  });

  it('lets no service act for another account: aws:SourceAccount and aws:SourceArn on every Allow (log groups by encryption context)', () => {
    const loose = statements
      .filter(({ statement }) => statement.Effect === 'Allow' && servicesOf(statement).length > 0)
      .filter(({ statement }) => {
        const keys = conditionKeys(statement);
        if (servicesOf(statement).every((service) => /^logs\./.test(service))) return !keys.includes('kms:EncryptionContext:aws:logs:arn');
        return !(keys.includes('aws:SourceAccount') && keys.includes('aws:SourceArn'));
      })
      .map(({ resource, statement }) => `${resource}: ${statement.Sid ?? JSON.stringify(statement.Action)} (${servicesOf(statement).join(', ')})`);
    expect(loose).toEqual([]);
  });

  it('lets CloudTrail deliver to the audit bucket only for this account\'s trails', () => {
    const cloudTrail = statements.filter(({ statement }) => servicesOf(statement).includes('cloudtrail.amazonaws.com') && statement.Effect === 'Allow');
    const actions = cloudTrail.flatMap(({ statement }) => [statement.Action].flat()).sort();
    expect(actions).toEqual(['kms:DescribeKey', 'kms:GenerateDataKey*', 's3:GetBucketAcl', 's3:PutObject']);
    for (const { statement } of cloudTrail) {
      expect(statement.Condition).toMatchObject({
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:eu-central-1:123456789012:trail/*']] } },
      });
    }
  });
});
