import { describe, expect, it } from 'vitest';
import type { CfnTemplateJson, TemplateScope } from '../../lib/guardrails/app-templates.js';
import { RegionProver } from '../../lib/guardrails/region-proof.js';

// Unit tests on hand-written template fragments, for the intrinsic forms the CDK tests in
// eu-guard.test.ts do not happen to produce (Fn::Sub, Fn::If, parameters, custom resources).
const template: CfnTemplateJson = {
  Resources: {
    Stream: { Type: 'AWS::Kinesis::Stream' },
    Bucket: { Type: 'AWS::S3::Bucket' },
    Lookup: { Type: 'Custom::ArnLookup' },
  },
};
const scope: TemplateScope = { templatePath: 'Workload.template.json', stackPath: 'Workload', region: 'eu-central-1', template };
const prover = new RegionProver({ findExport: () => undefined }, ['eu-central-1', 'eu-west-1']);

describe('RegionProver', () => {
  it.each([
    ['a literal ARN in an allowed region', 'arn:aws:kinesis:eu-west-1:111122223333:stream/s', 'inside'],
    ['a literal ARN in us-east-1', 'arn:aws:kinesis:us-east-1:111122223333:stream/s', 'outside'],
    ['Fn::Sub with ${AWS::Region}', { 'Fn::Sub': 'arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/s' }, 'inside'],
    ['Fn::Sub with a literal us-west-2', { 'Fn::Sub': 'arn:${AWS::Partition}:kinesis:us-west-2:${AWS::AccountId}:stream/s' }, 'outside'],
    ['Fn::Sub with the region from a variable', { 'Fn::Sub': ['arn:aws:kinesis:${R}:1:stream/s', { R: 'ap-south-1' }] }, 'outside'],
    ['Fn::Join around a stack resource', { 'Fn::Join': ['', ['arn:aws:s3:::', { Ref: 'Bucket' }, '/logs']] }, 'inside'],
    ['Fn::GetAtt of a stack resource', { 'Fn::GetAtt': ['Stream', 'Arn'] }, 'inside'],
    ['Fn::GetAtt of a custom resource', { 'Fn::GetAtt': ['Lookup', 'Arn'] }, 'unproven'],
    ['a parameter set at deploy time', { Ref: 'DestinationArn' }, 'unproven'],
    ['an import no stack of the app exports', { 'Fn::ImportValue': 'shared-destination' }, 'unproven'],
    ['Fn::If with one branch outside', { 'Fn::If': ['Prod', { 'Fn::GetAtt': ['Stream', 'Arn'] }, 'arn:aws:kinesis:us-east-1:1:stream/s'] }, 'outside'],
    ['Fn::If that may leave the property out', { 'Fn::If': ['Prod', { 'Fn::GetAtt': ['Stream', 'Arn'] }, { Ref: 'AWS::NoValue' }] }, 'inside'],
    ['an S3 bucket ARN of a bucket outside the app', 'arn:aws:s3:::someone-elses-bucket', 'unproven'],
  ])('judges %s as %s', (_, value, verdict) => {
    expect(prover.prove(value, 'arn', scope).verdict).toBe(verdict);
  });

  it.each([
    ['eu-west-1', 'inside'],
    ['eu-west-2', 'outside'],
    [{ Ref: 'AWS::Region' }, 'inside'],
    [{ Ref: 'ReplicaRegion' }, 'unproven'],
  ])('judges the region %j as %s', (value, verdict) => {
    expect(prover.prove(value, 'region', scope).verdict).toBe(verdict);
  });

  it('follows a nested stack parameter to the value its parent passes in', () => {
    const nested: TemplateScope = {
      templatePath: 'Nested.nested.template.json',
      stackPath: 'Workload/Nested',
      region: 'eu-central-1',
      template: { Resources: {} },
      parent: { scope, parameters: { BucketArn: { 'Fn::GetAtt': ['Bucket', 'Arn'] }, FarArn: 'arn:aws:kinesis:us-east-1:1:stream/s' } },
    };
    expect(prover.prove({ Ref: 'BucketArn' }, 'arn', nested).verdict).toBe('inside');
    expect(prover.prove({ Ref: 'FarArn' }, 'arn', nested).verdict).toBe('outside');
  });
});
