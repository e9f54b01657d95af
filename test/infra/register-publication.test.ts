import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_LEDGER } from '../../lib/compliance/change-ledger.js';
import { buildTestApp } from './test-app.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

/** The S3 PutObject call of a Custom::AWS resource, with deploy-time tokens (the bucket name) as TOKEN. */
function putObjectCallOf(upload: Resource): { action: string; parameters: Record<string, string> } {
  const parts = (upload.Properties.Create as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(''));
}

describe('the deployed app publishes its Art. 30 register', () => {
  let template: Template;
  let built: ReturnType<typeof buildTestApp>;

  beforeAll(() => {
    const processor = { name: 'Visitor Insights B.V.', address: 'Herengracht 1, Amsterdam', registrationNumber: 'KvK 87654321', dpo: { name: 'P. Rivacy', email: 'dpo@visitor-insights.example' } };
    built = buildTestApp({ processor }, { publishRegister: true, publishing: { ledger: EMPTY_LEDGER } });
    template = Template.fromStack(built.enrichment); // synthesizes: cdk-nag and the EU guard run too
  }, 120_000);

  it('puts the register, its change record, the deployment facts and each controller view under register/ in the audit trail bucket', () => {
    const uploads = Object.values(template.findResources('Custom::AWS')) as Resource[];
    const calls = uploads.map(putObjectCallOf);
    const files = ['register.json', 'register.md', 'change-control.json', 'deployment.json', ...built.config.tenants.flatMap((t) => [`controllers/${t.id}/register.json`, `controllers/${t.id}/register.html`])];
    expect(calls.map((call) => [call.action, call.parameters.Key]).sort()).toEqual(files.map((file) => ['putObject', `register/${file}`]).sort());
    const trailBucket = built.enrichment.getLogicalId(built.enrichment.auditTrail.bucket.node.defaultChild as never);
    for (const upload of uploads) expect(JSON.stringify(upload.Properties.Create)).toContain(`{"Ref":"${trailBucket}"}`);
  });

  it('publishes the register of the deployed templates: processor, every function including its own uploader', () => {
    const json = (Object.values(template.findResources('Custom::AWS')) as Resource[])
      .map(putObjectCallOf)
      .find((call) => call.parameters.Key === 'register/register.json')!;
    const register = JSON.parse(json.parameters.Body!) as Record<string, unknown>;
    const text = JSON.stringify(register);
    expect(text).toContain('Visitor Insights B.V.');
    expect(text).toContain('dpo@visitor-insights.example');
    const functionIds = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(functionIds.length).toBeGreaterThanOrEqual(5);
    for (const logicalId of functionIds) expect(text).toContain(logicalId);
  });
});
