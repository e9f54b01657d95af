import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentFacts } from '../../lib/compliance/deployment-facts.js';
import { reviewAccesses, type TrailRecord } from '../../tools/audit-pack/access-review.js';
import { parseQuarter } from '../../tools/audit-pack/quarter.js';
import { decide } from '../breach/support/iam-decision.js';
import { stackFunctions, synthesizeApp, type StackFunction, type SynthesizedApp } from '../security/support/stack-resources.js';
import { recordedBy, type AdvancedEventSelector, type SelectableEvent } from '../support/advanced-event-selectors.js';

/*
 * The audit pack reads the trail; this checks, on the app as deployed (synthesized offline, every
 * intrinsic resolved to stand-in names), that the trail records what the pack counts and lists, and
 * that the pack recognises the service's own functions. Trail selectors are evaluated, not read; the
 * functions' permissions are decided by the IAM policy evaluator.
 */
type Json = any;

let app: SynthesizedApp;
let facts: DeploymentFacts;
let selectors: AdvancedEventSelector[];
let functions: StackFunction[];

/** The deployment facts the stack publishes as register/deployment.json (a Custom::AWS putObject). */
function publishedFacts({ template, policies }: SynthesizedApp): DeploymentFacts {
  for (const resource of Object.values<Json>(template.Resources)) {
    if (resource.Type !== 'Custom::AWS') continue;
    const call = JSON.parse(policies.resolve(resource.Properties.Create) as string);
    if (call.parameters?.Key === 'register/deployment.json') return JSON.parse(call.parameters.Body) as DeploymentFacts;
  }
  throw new Error('the app publishes no register/deployment.json');
}

beforeAll(async () => {
  app = synthesizeApp({ asDeployed: true });
  facts = publishedFacts(app);
  const [trail] = Object.values<Json>(app.template.Resources).filter((resource) => resource.Type === 'AWS::CloudTrail::Trail');
  selectors = app.policies.resolve(trail.Properties.AdvancedEventSelectors) as AdvancedEventSelector[];
  functions = stackFunctions(app);
}, 240_000);

const sessionOf = (roleArn: string, session = 'function-session') =>
  `${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${session}`;
const roleOf = (name: keyof DeploymentFacts['serviceRoleArns']) => facts.serviceRoleArns[name];
const OPERATOR = () => `arn:aws:iam::${app.account}:role/OperatorAdmin`;

/** An event as CloudTrail writes it: category, caller (as a role session), resource. */
function event(time: string, roleArn: string, source: string, eventName: string, category: 'Management' | 'Data', resource?: { type: string; ARN: string }, requestParameters: Record<string, unknown> = {}): SelectableEvent & TrailRecord {
  return {
    eventTime: time,
    eventSource: source,
    eventName,
    eventCategory: category,
    userIdentity: { type: 'AssumedRole', arn: sessionOf(roleArn), sessionContext: { sessionIssuer: { arn: roleArn } } },
    requestParameters,
    resources: resource ? [resource] : [],
  };
}

describe('the service roles in the deployment facts', () => {
  it('include every function that may read a pseudonym secret or touch the visits table or the breach register', async () => {
    const serviceRoles = new Set(Object.values(facts.serviceRoleArns));
    const requests = [
      ...Object.values(facts.pseudonymSecretArns).map((arn) => ({ action: 'secretsmanager:GetSecretValue', resource: arn })),
      ...['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'].map((action) => ({ action, resource: facts.visitsTableArn })),
      ...['s3:GetObject', 's3:PutObject'].map((action) => ({ action, resource: `arn:aws:s3:::${facts.breachRegisterBucket}/breaches/sample.json` })),
    ];
    const privileged: string[] = [];
    for (const fn of functions) {
      for (const request of requests) {
        if ((await decide(fn.principal, request, app.account)) === 'Allowed') {
          privileged.push(fn.path);
          expect(serviceRoles, `${fn.path} may ${request.action} but is not a service role of the audit pack`).toContain(fn.principal.arn);
          break;
        }
      }
    }
    // The evaluation found the functions it is about (it would pass vacuously otherwise).
    expect(privileged).toEqual(expect.arrayContaining(['Visits', 'VisitorData', 'Collect']));
  });
});

describe('what the trail records, and what the audit pack makes of it', () => {
  const visitsTable = () => ({ type: 'AWS::DynamoDB::Table', ARN: facts.visitsTableArn });
  const requestTopic = (tenant: string) => ({ type: 'AWS::SNS::Topic', ARN: `${facts.requestTopicArnPrefix}${tenant}` });
  const breachObject = () => ({ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${facts.breachRegisterBucket}/breaches/2026-11-25.json` });
  const item = (tenant: string) => ({ key: { pk: `TENANT#${tenant}`, sk: 'VISIT#x' } });
  const secretRead = (time: string, by: string) =>
    event(time, by, 'secretsmanager.amazonaws.com', 'GetSecretValue', 'Management', undefined, { secretId: facts.pseudonymSecretArns.acme });

  it('keeps the service functions\' item writes and deletions out of the trail (they would copy pseudonyms into it)', () => {
    for (const role of ['visits', 'visitorData', 'collect'] as const) {
      for (const name of ['PutItem', 'DeleteItem', 'Query']) {
        expect(recordedBy(selectors, event('2026-10-01T00:00:00Z', roleOf(role), 'dynamodb.amazonaws.com', name, 'Data', visitsTable())), `${role} ${name}`).toBe(false);
      }
    }
  });

  it('records and counts forwarded requests and erasure confirmations, and lists accesses by anyone else', () => {
    const happened = [
      event('2026-10-02T09:00:00Z', roleOf('dataSubjectRequests'), 'sns.amazonaws.com', 'Publish', 'Data', requestTopic('acme')),
      event('2026-10-02T09:01:00Z', roleOf('dataSubjectRequests'), 'sns.amazonaws.com', 'Publish', 'Data', requestTopic('acme')),
      event('2026-10-02T09:02:00Z', roleOf('dataSubjectRequests'), 'sns.amazonaws.com', 'Publish', 'Data', requestTopic('globex')),
      event('2026-10-03T10:00:00Z', roleOf('visitorData'), 'dynamodb.amazonaws.com', 'DeleteItem', 'Data', visitsTable(), item('acme')),
      event('2026-10-03T10:00:01Z', roleOf('visitorData'), 'sns.amazonaws.com', 'Publish', 'Data', requestTopic('acme')),
      secretRead('2026-10-04T00:00:00Z', roleOf('collect')),
      secretRead('2026-10-04T00:00:01Z', roleOf('visits')),
      event('2026-10-05T08:00:00Z', OPERATOR(), 'dynamodb.amazonaws.com', 'GetItem', 'Data', visitsTable(), item('acme')),
      secretRead('2026-10-05T08:01:00Z', OPERATOR()),
      event('2026-10-05T08:02:00Z', OPERATOR(), 's3.amazonaws.com', 'GetObject', 'Data', breachObject()),
    ];
    const recorded = happened.filter((e) => recordedBy(selectors, e));
    expect(happened.filter((e) => !recorded.includes(e)).map((e) => `${e.eventTime} ${e.eventName}`)).toEqual(['2026-10-03T10:00:00Z DeleteItem']);

    const logFile = { key: 'AWSLogs/x.json.gz', region: app.region, bytes: gzipSync(JSON.stringify({ Records: recorded })), metadata: {} };
    const review = reviewAccesses([logFile], facts, 'acme', parseQuarter('2026-Q4'));
    expect(review.forwardedRequests).toBe(2);
    expect(review.erasures).toBe(1);
    expect(review.accessesByOthers.map((a) => [a.action, a.store])).toEqual([
      ['dynamodb:GetItem', 'visits table'],
      ['secretsmanager:GetSecretValue', 'pseudonym key'],
      ['s3:GetObject', 'breach register'],
    ]);
  });
});
