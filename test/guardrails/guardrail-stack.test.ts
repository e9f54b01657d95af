import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { applyEuGuard } from '../../lib/guardrails/eu-guard.js';
import { GuardrailStack } from '../../lib/guardrails/guardrail-stack.js';
import { RegionDenyPolicy } from '../../lib/guardrails/region-deny-policy.js';

const TARGETS = ['ou-ab12-cdef3456', '210987654321'];

describe('GuardrailStack', () => {
  const stack = new GuardrailStack(new App(), 'EuGuardrails', {
    managementAccount: '123456789012',
    targetIds: TARGETS,
    allowedRegions: ['eu-central-1', 'eu-west-1'],
    breakGlass: { roleArnPattern: 'arn:aws:iam::*:role/break-glass/BreakGlass', administratorArn: 'arn:aws:iam::*:role/OrganizationAccountAccessRole' },
  });
  const template = Template.fromStack(stack);

  it('is pinned to eu-central-1 in the management account, with termination protection', () => {
    expect(stack.region).toBe('eu-central-1');
    expect(stack.account).toBe('123456789012');
    expect(stack.terminationProtection).toBe(true);
  });

  it('creates one service control policy attached to the configured OUs and accounts', () => {
    template.resourceCountIs('AWS::Organizations::Policy', 1);
    template.hasResourceProperties('AWS::Organizations::Policy', { Type: 'SERVICE_CONTROL_POLICY', TargetIds: TARGETS });
  });

  it('puts the configured regions and break-glass pattern into the region deny condition', () => {
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Content: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: {
              StringNotEquals: { 'aws:RequestedRegion': ['eu-central-1', 'eu-west-1'] },
              ArnNotLike: { 'aws:PrincipalARN': 'arn:aws:iam::*:role/break-glass/BreakGlass' },
            },
          }),
        ]),
      },
    });
  });

  it('lets only the named administrator create, change or pass the break-glass role (or change the administrator)', () => {
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Content: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: Match.arrayWith(['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:PassRole']),
            Resource: ['arn:aws:iam::*:role/break-glass/BreakGlass', 'arn:aws:iam::*:role/OrganizationAccountAccessRole'],
            Condition: { ArnNotLike: { 'aws:PrincipalARN': 'arn:aws:iam::*:role/OrganizationAccountAccessRole' } },
          }),
        ]),
      },
    });
  });

  it('synthesizes cleanly under the EU guard and the cdk-nag packs the app runs', () => {
    const app = new App({ context: { '@aws-cdk/core:appMode': 'inmemory' } });
    applyEuGuard(app, ['eu-central-1']);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
    new GuardrailStack(app, 'EuGuardrails', { targetIds: TARGETS, allowedRegions: ['eu-central-1'] });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('RegionDenyPolicy', () => {
  it('allows only eu-central-1 and exempts nobody by default', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-central-1' } });
    new RegionDenyPolicy(stack, 'RegionDeny', { targetIds: ['r-ab12'] });
    const policies = Template.fromStack(stack).findResources('AWS::Organizations::Policy');
    const content = Object.values(policies)[0]?.Properties.Content;
    expect(content.Statement[0].Condition).toEqual({ StringNotEquals: { 'aws:RequestedRegion': ['eu-central-1'] } });
  });

  it('refuses to create a policy attached nowhere', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => new RegionDenyPolicy(stack, 'RegionDeny', { targetIds: [] })).toThrow(/targetIds is empty/);
  });

  it('refuses a region outside the EU even when the config loader is bypassed', () => {
    const stack = new Stack(new App(), 'S');
    const allowedRegions = ['eu-central-1', 'eu-west-2'] as unknown as ['eu-central-1'];
    expect(() => new RegionDenyPolicy(stack, 'RegionDeny', { targetIds: ['r-ab12'], allowedRegions })).toThrow(/"eu-west-2" not an AWS region in the EU/);
  });
});
