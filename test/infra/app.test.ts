import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from './test-app.js';

describe('the composed app', () => {
  it('synthesizes with zero unacknowledged cdk-nag findings and no EU guard finding', () => {
    const { app, enrichment, guardrails } = buildTestApp();
    expect(guardrails).toBeDefined();
    expect(() => app.synth()).not.toThrow();
    expect(enrichment.region).toBe('eu-central-1');
    expect(guardrails!.region).toBe('eu-central-1');
  }, 120_000);

  it('fails synth when a new cdk-nag finding appears', () => {
    const { app, enrichment } = buildTestApp();
    new s3.Bucket(enrichment, 'CarelessBucket');
    expect(() => app.synth()).toThrow(/AwsSolutions-S1|NIST\.800\.53\.R5-S3/);
  }, 120_000);

  it('leaves the guardrail stack out when no OU or account is targeted', () => {
    const { guardrails, enrichment } = buildTestApp({ guardrailTargets: [] });
    expect(guardrails).toBeUndefined();
    Template.fromStack(enrichment).resourceCountIs('AWS::Organizations::Policy', 0);
  }, 120_000);
});
