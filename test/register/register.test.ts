import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_VISIT_SHARDS, visitPartitionKey, visitShard, visitSortKey } from '../../lambdas/shared/visits/table-schema.js';
import { VisitsRepository } from '../../lambdas/shared/visits/visits-repository.js';
import { VISIT_ATTRIBUTES } from '../../tools/register/processing-description.js';
import type { Register, RegisterResource, SecurityMeasureId } from '../../tools/register/register-model.js';
import { registerDocuments } from '../../tools/register/register-documents.js';
import { RegisterPublication } from '../../lib/register/register-publication.js';
import { findRetentionViolations } from '../../lib/retention/find-retention-violations.js';
import { synthesizeStackTemplates, type CfnResource, type StackTemplate } from '../../lib/retention/stack-templates.js';
import { buildTestApp, REPO_ROOT, TEST_DATABASE } from '../infra/test-app.js';
import { createTestVisitsTable } from '../support/dynamodb.js';

let built: ReturnType<typeof buildTestApp>;
let stacks: StackTemplate[];
let register: Register;
let markdown: string;

beforeAll(() => {
  built = buildTestApp();
  stacks = synthesizeStackTemplates(built.app);
  const { documents } = registerDocuments({ config: built.config, stacks, generatedAt: new Date('2026-03-01T00:00:00Z'), sourceCommit: 'abc123' });
  register = JSON.parse(documents['register.json']!) as Register;
  markdown = documents['register.md']!;
}, 120_000);

type Found = { stack: string; logicalId: string; type: string; properties: Record<string, any> };

/** Straight from the raw templates, independent of the register's own template reading. */
function resourcesOf(...types: string[]): Found[] {
  return stacks.flatMap((stack) =>
    Object.entries(stack.template.Resources ?? {})
      .filter(([, resource]) => types.includes(resource.Type))
      .map(([logicalId, resource]: [string, CfnResource]) => ({ stack: stack.stackName, logicalId, type: resource.Type, properties: { ...resource.Properties } })),
  );
}

const idOf = (r: { stack: string; logicalId: string }) => `${r.stack}/${r.logicalId}`;
const propertiesOf = (r: RegisterResource) => {
  const resource = stacks.find((s) => s.stackName === r.stack)?.template.Resources?.[r.logicalId];
  expect(resource, `${idOf(r)} is in the templates`).toBeDefined();
  expect(resource!.Type).toBe(r.type);
  return (resource!.Properties ?? {}) as Record<string, any>;
};

const DATA_STORE_TYPES = ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::Kinesis::Stream', 'AWS::KinesisFirehose::DeliveryStream'];

describe('the Art. 30 register of the real app', () => {
  it('lists every data store of the templates with its retention', () => {
    const stores = resourcesOf(...DATA_STORE_TYPES);
    expect(stores.length).toBeGreaterThanOrEqual(9);
    const listed = new Set(register.retention.map((entry) => idOf(entry.resource)));
    expect(stores.map(idOf).filter((id) => !listed.has(id))).toEqual([]);
    for (const store of stores) {
      const path = register.retention.find((entry) => idOf(entry.resource) === idOf(store))!.resource.path!;
      expect(markdown).toContain(`\`${path}\``);
    }
  });

  it('lists every Lambda function with its description and routes', () => {
    const functions = resourcesOf('AWS::Lambda::Function');
    expect(register.processing.operations.map((op) => idOf(op.function)).sort()).toEqual(functions.map(idOf).sort());
    for (const fn of functions) {
      const operation = register.processing.operations.find((op) => idOf(op.function) === idOf(fn))!;
      expect(operation.description).toBe(fn.properties.Description);
      expect(markdown).toContain(`\`${operation.function.path}\``);
    }
    const visits = register.processing.operations.find((op) => op.routes.includes('POST /v1/visits'))!;
    expect(visits.access.flatMap((a) => a.actions)).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Query']));
  });

  /** One independent check per measure: the register may only claim what a template resource shows. */
  const MEASURE_CHECKS: Record<SecurityMeasureId, (properties: Record<string, any>, resource: RegisterResource) => void> = {
    'customer-managed-keys-with-rotation': (p, r) => {
      expect(r.type).toBe('AWS::KMS::Key');
      expect(p.EnableKeyRotation).toBe(true);
    },
    'encryption-at-rest-customer-managed-key': (p) => {
      const key = p.SSESpecification?.KMSMasterKeyId ?? p.KmsKeyId ?? p.KMSKeyId ?? p.KmsMasterKeyId ??
        p.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.KMSMasterKeyID;
      const target = key?.['Fn::GetAtt']?.[0] ?? key?.Ref;
      expect(resourcesOf('AWS::KMS::Key').map((k) => k.logicalId)).toContain(target);
    },
    'tls-only-resource-policies': (_p, r) => {
      const policies = resourcesOf('AWS::S3::BucketPolicy', 'AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy').filter((policy) =>
        JSON.stringify([policy.properties.Bucket, policy.properties.Topics, policy.properties.Queues]).includes(`"${r.logicalId}"`),
      );
      expect(policies.flatMap((policy) => policy.properties.PolicyDocument.Statement)).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    },
    'https-only-regional-api': (p) => expect(p.EndpointConfiguration.Types).toEqual(['REGIONAL']),
    'object-lock': (p) => {
      expect(p.ObjectLockEnabled).toBe(true);
      expect(p.ObjectLockConfiguration.Rule.DefaultRetention.Mode).toMatch(/^(COMPLIANCE|GOVERNANCE)$/);
    },
    'block-public-access': (p) =>
      expect(p.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true }),
    'web-application-firewall': (_p, r) => {
      expect(resourcesOf('AWS::WAFv2::WebACLAssociation').map((a) => a.properties.WebACLArn['Fn::GetAtt'][0])).toContain(r.logicalId);
    },
    'api-keys-and-usage-plans': (p, r) => {
      if (r.type === 'AWS::ApiGateway::Method') expect(p.ApiKeyRequired).toBe(true);
      else expect(p).toMatchObject({ Throttle: { RateLimit: expect.any(Number) }, Quota: { Limit: expect.any(Number) } });
    },
    'scoped-function-permissions': (p) => {
      const role = p.Role['Fn::GetAtt'][0];
      const statements = resourcesOf('AWS::IAM::Policy')
        .filter((policy) => JSON.stringify(policy.properties.Roles).includes(`"${role}"`))
        .flatMap((policy) => policy.properties.PolicyDocument.Statement);
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) expect(JSON.stringify([statement.Action, statement.Resource])).not.toMatch(/"\*"|:\*"/);
    },
    'audit-trail': (p) => expect(p).toMatchObject({ EnableLogFileValidation: true, IsMultiRegionTrail: true }),
    'access-logs-without-client-ip': (p) => {
      expect(p.AccessLogSetting.Format).not.toMatch(/sourceIp|\$context\.path/);
      expect(p.MethodSettings.every((s: { DataTraceEnabled?: boolean }) => s.DataTraceEnabled !== true)).toBe(true);
    },
    'point-in-time-recovery': (p) => expect(p.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled).toBe(true),
    'deletion-protection': (p) => expect(p.DeletionProtectionEnabled).toBe(true),
    pseudonymisation: (p, r) => {
      if (r.type === 'AWS::Lambda::Function') expect(JSON.stringify(p.Environment.Variables.PSEUDONYM_SECRET_ARNS)).toMatch(/PseudonymKeysSecret/);
      else expect(p.GenerateSecretString).toBeDefined();
    },
    'retention-enforced': (_p, r) => expect(findRetentionViolations(stacks, built.config).map((v) => idOf({ stack: v.resource.stackName, logicalId: v.resource.logicalId }))).not.toContain(idOf(r)),
    'region-deny-guardrail': (p) => expect(JSON.stringify(p.Content)).toContain('aws:RequestedRegion'),
  };

  it('claims only measures that exist in the templates', () => {
    expect(register.securityMeasures.length).toBeGreaterThanOrEqual(12);
    for (const measure of register.securityMeasures) {
      expect(MEASURE_CHECKS[measure.id], `a check for ${measure.id}`).toBeDefined();
      expect(measure.evidence.length, measure.id).toBeGreaterThan(0);
      for (const resource of measure.evidence) MEASURE_CHECKS[measure.id](propertiesOf(resource), resource);
    }
  });

  it('names the controllers and the processor from the configuration', () => {
    expect(register.controllers).toEqual(
      built.config.tenants.map((t) => ({ tenantId: t.id, name: t.name, contacts: t.contactEmails })),
    );
    expect(register.processor).toEqual({ ...built.config.processor, contacts: built.config.operationsEmails });
    expect(markdown).toContain(built.config.processor.address);
    expect(markdown).toContain(built.config.processor.registrationNumber);
    expect(markdown).toContain(built.config.processor.dpo.email);
  });

  it('lists AWS as sub-processor with every resource type of the templates, regional ones in eu-central-1, IAM as global', () => {
    const services = register.subProcessors.flatMap((sub) => sub.services);
    const types = new Set(services.flatMap((s) => s.resourceTypes));
    expect(stacks.flatMap((s) => Object.values(s.template.Resources ?? {}).map((r) => r.Type)).filter((t) => !types.has(t))).toEqual([]);
    const iam = services.find((s) => s.service.startsWith('AWS Identity and Access Management'))!;
    expect(iam.regions).toEqual([expect.stringMatching(/^global/)]);
    const regional = services.filter((s) => !s.resourceTypes.some((t) => /^AWS::(IAM|Organizations)::/.test(t)));
    expect(new Set(regional.flatMap((s) => s.regions))).toEqual(new Set(['eu-central-1']));
    expect(register.subProcessors[0]!.name).toMatch(/Amazon\.com, Inc\. \(United States\)/);
    expect(services.map((s) => s.service)).toEqual(expect.arrayContaining(['AWS Lambda', 'Amazon DynamoDB', 'AWS Key Management Service (KMS)']));
  });

  it('stores only in the EU, and discloses remote access under SCCs, US-law exposure and e-mail notices', () => {
    expect(register.transfers.regions).toEqual(['eu-central-1']);
    expect(register.transfers.safeguards.join('\n')).toMatch(/REGIONAL/);
    const transfers = register.transfers.thirdCountryTransfers;
    expect(transfers.find((t) => /Remote access by AWS personnel/.test(t.what))?.safeguard).toMatch(/Standard Contractual Clauses/);
    expect(transfers.find((t) => /CLOUD Act/.test(t.what))?.recipient).toMatch(/Amazon\.com, Inc\. is a United States company/);
    expect(transfers.find((t) => /E-mail notices/.test(t.what))?.countries).toMatch(/mail provider/);
    expect(markdown).toMatch(/CLOUD Act/);
  });

  it('says which API methods take a key, an IAM signature or nothing, as the templates do', () => {
    const measure = register.securityMeasures.find((m) => m.id === 'api-keys-and-usage-plans')!;
    expect(measure.description).not.toMatch(/Every API method requires an API key/);
    const methods = resourcesOf('AWS::ApiGateway::Method');
    const publicCount = methods.filter((m) => m.properties.ApiKeyRequired !== true && m.properties.AuthorizationType !== 'AWS_IAM').length;
    expect(publicCount).toBeGreaterThan(0);
    expect(measure.description).toMatch(/Public method\(s\) .*POST \/v1\/data-subject-requests/);
    expect(measure.description).toMatch(/Operator method\(s\) POST \/v1\/operator\/breaches take no API key but an AWS SigV4 signature/);
    expect(measure.description).toContain(`${methods.filter((m) => m.properties.ApiKeyRequired === true).length} API method(s) require`);
  });

  it('lists the personal data actually processed besides visits: requesters, controller contacts, operator identities', () => {
    const categories = register.processing.personalData.map((c) => c.category);
    expect(categories).toEqual(expect.arrayContaining([
      "Data-subject requester's contact details and message",
      'Controller contact details',
      'Operator and auditor identities',
    ]));
    // Each controller address is subscribed twice (breach notices, forwarded data-subject requests); operations once.
    expect(register.processing.personalData.find((c) => c.category === 'Controller contact details')!.storedAs.length).toBe(
      2 * built.config.tenants.reduce((n, t) => n + t.contactEmails.length, 0) + built.config.operationsEmails.length,
    );
  });

  it('states its organisational measures with what carries each out, and is stamped with time and source commit', () => {
    expect(register.organisationalMeasures.length).toBeGreaterThanOrEqual(10);
    for (const m of register.organisationalMeasures) expect(m.implementedBy).not.toBe('');
    expect(register.generatedAt).toBe('2026-03-01T00:00:00.000Z');
    expect(register.generatedFrom.sourceCommit).toBe('abc123');
    expect(markdown).toContain('source commit abc123');
  });

  it('has the Art. 30(2)(a)–(d) headings in the Markdown', () => {
    for (const point of ['a', 'b', 'c', 'd']) expect(markdown).toMatch(new RegExp(`^## .*Art\\. 30\\(2\\)\\(${point}\\)`, 'm'));
    expect(markdown).toMatch(/^# Record of processing activities/m);
    expect(markdown).toContain('Generated 2026-03-01T00:00:00.000Z');
  });

  it('reports a store beyond its limit as such (no silent "yes")', () => {
    const violating = new Set(findRetentionViolations(stacks, built.config).map((v) => `${v.resource.stackName}/${v.resource.logicalId}`));
    for (const entry of register.retention) if (violating.has(idOf(entry.resource))) expect(entry.withinLimit).toBe(false);
  });
});

describe('the register and what the visits repository really stores', () => {
  it('puts every attribute of a stored visit in a personal data category', async () => {
    const table = await createTestVisitsTable();
    try {
      const repository = new VisitsRepository({ client: table.documentClient, tableName: table.tableName, tenantId: 'acme' });
      const visitedAt = '2026-02-01T10:00:00.000Z';
      await repository.add(
        {
          visitId: 'v1',
          siteId: 'www',
          pageUrl: 'https://www.acme.example/pricing',
          referrer: null,
          visitedAt,
          expiresAt: 1_800_000_000,
          company: { classification: 'business', organisation: 'Org', domain: 'org.example', asn: { number: 64500, organisation: 'Org AS' }, country: 'NL' },
          database: { type: 'GeoLite2-ASN', buildDate: '2026-01-01' },
        } as Parameters<VisitsRepository['add']>[0],
        'pseudonym',
      );
      const { Item } = await table.client.send(
        new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: visitPartitionKey('acme', visitShard('v1', DEFAULT_VISIT_SHARDS)) }, sk: { S: visitSortKey(visitedAt, 'v1') } }, ConsistentRead: true }),
      );
      const registered = Object.values(VISIT_ATTRIBUTES).flat();
      expect(Object.keys(Item!).sort()).toEqual([...registered].sort());
      const stored = register.processing.personalData.flatMap((category) => category.storedAs.join(' ').split(/[:,]\s*/));
      for (const attribute of registered) expect(stored).toContain(attribute);
    } finally {
      await table.drop();
    }
  });
});

describe('RegisterPublication', () => {
  it('puts register.json and register.md under the prefix with a SHA-256 checksum, may do nothing else, and logs with the data retention', () => {
    const app = new App();
    const stack = new Stack(app, 'PublicationThrowaway', { env: { account: '123456789012', region: 'eu-central-1' } });
    const bucketKey = new kms.Key(stack, 'BucketKey');
    const bucket = new s3.Bucket(stack, 'AuditBucket', { encryptionKey: bucketKey, lifecycleRules: [{ expiration: Duration.days(30) }] });
    const documents = { 'register.json': '{"schema":"test"}\n', 'register.md': '# Register\n' };
    const publication = new RegisterPublication(stack, 'Register', {
      bucket, bucketKey, keyPrefix: 'register/', documents, retentionDays: 30, logEncryptionKey: new kms.Key(stack, 'LogKey'),
    });
    const [template] = synthesizeStackTemplates(app);

    const uploads = Object.values(template!.template.Resources!).filter((r) => r.Type === 'Custom::AWS');
    const calls = uploads.map((upload) => sdkCallOf(upload.Properties!.Create));
    expect(calls.map((call) => [call.parameters.Key, call.parameters.Body, call.parameters.ChecksumAlgorithm]).sort()).toEqual([
      ['register/register.json', documents['register.json'], 'SHA256'],
      ['register/register.md', documents['register.md'], 'SHA256'],
    ]);
    expect(uploads.every((upload) => upload.Properties!.Delete === undefined)).toBe(true);

    const rolePolicy = Object.values(template!.template.Resources!).find(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties!.Roles).includes(stack.getLogicalId(publication.role.node.defaultChild as never)),
    )!;
    const statements = (rolePolicy.Properties!.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> }).Statement;
    const s3Actions = statements
      .flatMap((statement) => [statement.Action].flat())
      .filter((action) => action.startsWith('s3:'));
    expect(s3Actions).toEqual(['s3:PutObject']);
    const putResources = JSON.stringify(
      statements.find((statement) => statement.Action === 's3:PutObject')!.Resource,
    );
    expect(putResources).toContain('/register/*');
    expect(findRetentionViolations([template!], { retentionDays: 30, auditLogRetentionDays: 400, breachRecordRetentionYears: 5 }).map((v) => v.message)).toEqual([]);
  });
});

describe('bin/register.ts', () => {
  it('composes the app from cdk.json plus -c overrides and writes register.json and register.md', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'register-'));
    try {
      const { stderr } = await promisify(execFile)(
        'npx',
        ['tsx', 'bin/register.ts', '--out', out, '-c', `mmdbPath=${TEST_DATABASE}`, '-c', 'retentionDays=14'],
        { cwd: REPO_ROOT },
      );
      expect(stderr).toContain(`wrote ${path.join(out, 'register.md')}`);
      const written = JSON.parse(await readFile(path.join(out, 'register.json'), 'utf8')) as Register;
      const cdkJson = JSON.parse(await readFile(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: { tenants: Array<{ id: string }>; processor: { name: string } } };
      expect(written.controllers.map((c) => c.tenantId)).toEqual(cdkJson.context.tenants.map((t) => t.id));
      expect(written.generatedFrom.configuration.retentionDays).toBe(14);
      expect(written.processor.name).toBe(cdkJson.context.processor.name);
      expect(written.generatedFrom.sourceCommit).toMatch(/^[0-9a-f]{40}(\+dirty)?$/);
      for (const tenant of cdkJson.context.tenants) {
        expect(JSON.parse(await readFile(path.join(out, 'controllers', tenant.id, 'register.json'), 'utf8')).controller.tenantId).toBe(tenant.id);
      }
      expect(await readFile(path.join(out, 'register.md'), 'utf8')).toMatch(/^## 3\. Transfers .* Art\. 30\(2\)\(c\)/m);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 60_000);
});

/** The SDK call of a Custom::AWS resource: its JSON with deploy-time tokens (bucket name) as TOKEN. */
function sdkCallOf(create: unknown): { parameters: Record<string, string> } {
  const parts = (create as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(''));
}
