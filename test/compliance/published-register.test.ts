import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ControllerRegisterView } from '../../lambdas/shared/compliance/controller-register-view.js';
import { AUDIT_PACK_PREFIX, REGISTER_PREFIX } from '../../lib/audit/audit-trail.js';
import { findRetentionViolations } from '../../lib/retention/find-retention-violations.js';
import { synthesizeStackTemplates } from '../../lib/retention/stack-templates.js';
import type { Register } from '../../tools/register/register-model.js';
import { EMPTY_LEDGER } from '../../lib/compliance/change-ledger.js';
import { decide, type Principal } from '../breach/support/iam-decision.js';
import { TemplatePolicies } from '../breach/support/template-policies.js';
import { buildTestApp, TEST_CONTEXT } from '../infra/test-app.js';
import { dayDataIsGone, type LifecycleRule } from './support/s3-lifecycle.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

/** The S3 PutObject call of a Custom::AWS resource, with deploy-time tokens (the bucket name) as TOKEN. */
function putObjectCallOf(upload: Resource): { parameters: Record<string, string> } {
  const parts = (upload.Properties.Create as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(''));
}

const [ACME, GLOBEX] = TEST_CONTEXT.tenants;
const GENERATED_AT = new Date('2026-11-15T09:30:00Z');
const ACME_AUDITOR = 'arn:aws:iam::555555555555:role/AcmeAuditor';

let built: ReturnType<typeof buildTestApp>;
let template: Template;
let published: Map<string, string>;

beforeAll(() => {
  const tenants = [{ ...ACME, auditorPrincipals: [ACME_AUDITOR] }, { ...GLOBEX, instructions: { retentionDays: 200 } }];
  built = buildTestApp({ tenants }, { publishRegister: true, publishing: { clock: () => GENERATED_AT, sourceCommit: 'f00dfeed', ledger: EMPTY_LEDGER } });
  template = Template.fromStack(built.enrichment);
  const uploads = Object.values(template.findResources('Custom::AWS')) as Resource[];
  published = new Map(uploads.map(putObjectCallOf).map((call) => [call.parameters.Key!, call.parameters.Body!]));
}, 180_000);

describe('the published register', () => {
  it('is the whole register, its change record, the deployment facts and one JSON and one HTML view per controller, under register/', () => {
    expect([...published.keys()].sort()).toEqual(
      ['register.json', 'register.md', 'change-control.json', 'deployment.json', 'controllers/acme/register.html', 'controllers/acme/register.json', 'controllers/globex/register.html', 'controllers/globex/register.json']
        .map((file) => `${REGISTER_PREFIX}${file}`)
        .sort(),
    );
  });

  it('is stamped with its generation time and source commit', () => {
    const register = JSON.parse(published.get('register/register.json')!) as Register;
    expect(register.generatedAt).toBe(GENERATED_AT.toISOString());
    expect(register.generatedFrom.sourceCommit).toBe('f00dfeed');
    expect(register.processor.name).toBe(built.config.processor.name);
  });

  it("shows a controller nothing of the other controllers: names, contacts, tenant resources", () => {
    for (const [self, other] of [[ACME!, GLOBEX!], [GLOBEX!, ACME!]]) {
      const json = published.get(`register/controllers/${self.id}/register.json`)!;
      const html = published.get(`register/controllers/${self.id}/register.html`)!;
      const view = JSON.parse(json) as ControllerRegisterView;
      expect(view.controller).toEqual({ tenantId: self.id, name: self.name, contacts: self.contactEmails });
      for (const text of [json, html]) {
        expect(text).not.toContain(other.name);
        expect(text).not.toContain(other.contactEmails[0]);
        expect(text).not.toMatch(new RegExp(`[-/]${other.id}([-/"]|$)`));
        expect(text).toContain(self.contactEmails[0]);
      }
      expect(view.retention.length).toBeGreaterThan(5);
      expect(view.technicalMeasures.length).toBeGreaterThan(10);
      expect(view.regions).toEqual(['eu-central-1']);
    }
  });

  it("records an instruction accepted with a warning in that controller's view only, and as a synth warning", () => {
    const globex = JSON.parse(published.get('register/controllers/globex/register.json')!) as ControllerRegisterView;
    const acme = JSON.parse(published.get('register/controllers/acme/register.json')!) as ControllerRegisterView;
    expect(globex.instructionWarnings).toEqual([expect.stringMatching(/^retentionDays 200: longer than the 90 days/)]);
    expect(acme.instructionWarnings).toEqual([]);
    Annotations.fromStack(built.enrichment).hasWarning('*', Match.stringLikeRegexp('Instruction of globex accepted with a warning'));
  });
});

describe('the audit bucket keeps the published register', () => {
  it('expires trail files and audit packs within the audit retention but never the register', () => {
    const bucketId = built.enrichment.getLogicalId(built.enrichment.auditTrail.bucket.node.defaultChild as never);
    const bucket = template.toJSON().Resources[bucketId] as Resource;
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: LifecycleRule[] }).Rules;
    const retention = built.config.auditLogRetentionDays;
    const gone = (key: string) => dayDataIsGone(rules, key, true);
    expect(gone(`AWSLogs/123456789012/CloudTrail/eu-central-1/2026/11/15/file.json.gz`)).toBeLessThanOrEqual(retention);
    expect(gone(`${AUDIT_PACK_PREFIX}acme/2026-Q4/report.json`)).toBeLessThanOrEqual(retention);
    expect(gone(`${REGISTER_PREFIX}register.json`)).toBeUndefined();
    expect(gone(`${REGISTER_PREFIX}controllers/acme/register.json`)).toBeUndefined();
  });

  it('passes the retention check, which names the kept prefix and why', () => {
    const stacks = synthesizeStackTemplates(built.app);
    const bucketId = built.enrichment.getLogicalId(built.enrichment.auditTrail.bucket.node.defaultChild as never);
    expect(findRetentionViolations(stacks, built.config).filter((v) => v.resource.logicalId === bucketId)).toEqual([]);
    const register = JSON.parse(published.get('register/register.json')!) as Register;
    const entry = register.retention.find((r) => r.resource.logicalId === bucketId)!;
    expect(entry.retention).toMatch(/register\/ is kept: the Art\. 30 register must be available/);
  });
});

describe("a controller's auditor role", () => {
  it('may read that controller\'s audit packs and register view only, and be assumed only with MFA', async () => {
    const stack = built.enrichment;
    const t = new TemplatePolicies(template.toJSON(), '123456789012', 'eu-central-1', stack.stackName);
    const roleId = stack.getLogicalId(stack.controllerAuditors.get('acme')!.role.node.defaultChild as never);
    expect(stack.controllerAuditors.has('globex')).toBe(false);
    const auditor: Principal = { name: 'acme auditor', arn: t.arn(roleId), policies: t.identityPolicies(roleId) };
    const bucketId = stack.getLogicalId(stack.auditTrail.bucket.node.defaultChild as never);
    const bucketArn = t.arn(bucketId);
    const read = (key: string, action = 's3:GetObject') => decide(auditor, { action, resource: `${bucketArn}/${key}`, resourcePolicy: t.bucketPolicy(bucketId) }, '123456789012');
    expect(await read('audit-packs/acme/2026-Q4/report.html')).toBe('Allowed');
    expect(await read('register/controllers/acme/register.json')).toBe('Allowed');
    for (const key of ['audit-packs/globex/2026-Q4/report.html', 'register/controllers/globex/register.json', 'register/register.json', 'AWSLogs/123456789012/CloudTrail/eu-central-1/2026/10/01/x.json.gz']) {
      expect(await read(key), key).toBe('ImplicitlyDenied');
    }
    expect(await read('audit-packs/acme/2026-Q4/report.html', 's3:PutObject')).not.toBe('Allowed');
    expect(await read('audit-packs/acme/2026-Q4/report.html', 's3:DeleteObjectVersion')).not.toBe('Allowed');
    const trust = (template.toJSON().Resources[roleId] as Resource).Properties.AssumeRolePolicyDocument as { Statement: Array<{ Principal: unknown; Condition: unknown }> };
    expect(trust.Statement).toEqual([expect.objectContaining({ Principal: { AWS: ACME_AUDITOR }, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })]);
  });
});
