import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { EU_REGIONS } from '../../lib/eu-regions.js';
import { GuardrailStack } from '../../lib/guardrails/guardrail-stack.js';
import { buildRegionDenyScp, scpCharacterCount } from '../../lib/guardrails/region-deny-scp.js';
import { ACCOUNT, evaluate, synthesizedScp } from './scp-simulator.js';

/** Every AWS commercial-partition region, kept here on purpose rather than derived from lib/. */
const COMMERCIAL_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'af-south-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-south-1', 'me-central-1', 'mx-central-1', 'sa-east-1',
] as const;

/** Regions in EU member states, written out independently of lib/eu-regions.ts so a wrong edit there fails here. */
const EU_MEMBER_STATE_REGIONS: readonly string[] = ['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1'];

const REGIONAL_ACTIONS: readonly { action: string; resource: (region: string) => string }[] = [
  { action: 'ec2:RunInstances', resource: (r) => `arn:aws:ec2:${r}:${ACCOUNT}:instance/i-0123456789abcdef0` },
  { action: 'lambda:CreateFunction', resource: (r) => `arn:aws:lambda:${r}:${ACCOUNT}:function:enrich` },
  { action: 'dynamodb:PutItem', resource: (r) => `arn:aws:dynamodb:${r}:${ACCOUNT}:table/visits` },
  { action: 's3:CreateBucket', resource: () => 'arn:aws:s3:::visits-archive' },
  { action: 's3:PutObject', resource: () => 'arn:aws:s3:::visits-archive/2026/01/01.json' },
  { action: 'sns:Publish', resource: (r) => `arn:aws:sns:${r}:${ACCOUNT}:alerts` },
  { action: 'logs:CreateLogGroup', resource: (r) => `arn:aws:logs:${r}:${ACCOUNT}:log-group:/aws/lambda/enrich` },
  { action: 'kms:CreateKey', resource: () => '*' },
];

const BREAK_GLASS_PATTERN = 'arn:aws:iam::*:role/break-glass/BreakGlass';
const BREAK_GLASS_ROLE = `arn:aws:iam::${ACCOUNT}:role/break-glass/BreakGlass`;
const ADMINISTRATOR_PATTERN = 'arn:aws:iam::*:role/OrganizationAccountAccessRole';
const ADMINISTRATOR = `arn:aws:iam::${ACCOUNT}:role/OrganizationAccountAccessRole`;
/** An administrator of the member account: allow-all identity policy, not the named break-glass administrator. */
const ORDINARY_ADMINISTRATOR = `arn:aws:iam::${ACCOUNT}:role/Administrator`;

function scpFor(allowedRegions: readonly (typeof EU_REGIONS)[number][], roleArnPattern?: string): unknown {
  const breakGlass = roleArnPattern === undefined ? undefined : { roleArnPattern, administratorArn: ADMINISTRATOR_PATTERN };
  const stack = new GuardrailStack(new App(), 'EuGuardrails', { targetIds: ['ou-abcd-12345678'], allowedRegions, breakGlass });
  return synthesizedScp(stack);
}

/** Decision for every regional sample action in `region`, keyed by action. */
async function regionalDecisions(scp: unknown, region: string, principal?: string): Promise<Record<string, string>> {
  const decisions = await Promise.all(
    REGIONAL_ACTIONS.map(async ({ action, resource }) => [action, await evaluate(scp, { action, resource: resource(region), region, principal })] as const),
  );
  return Object.fromEntries(decisions);
}

function every(decision: string): Record<string, string> {
  return Object.fromEntries(REGIONAL_ACTIONS.map(({ action }) => [action, decision]));
}

const allEu = scpFor(EU_REGIONS, BREAK_GLASS_PATTERN);
const centralOnly = scpFor(['eu-central-1']);

describe('region deny SCP with every EU region allowed, evaluated by iam-simulate', () => {
  it.each(COMMERCIAL_REGIONS)('%s: regional actions are allowed exactly when the region is in an EU member state', async (region) => {
    const expected = EU_MEMBER_STATE_REGIONS.includes(region) ? 'Allowed' : 'ExplicitlyDenied';
    expect(await regionalDecisions(allEu, region)).toEqual(every(expected));
  });

  it('denies London (eu-west-2) and Zurich (eu-central-2): in Europe, not in the EU', async () => {
    expect(await regionalDecisions(allEu, 'eu-west-2')).toEqual(every('ExplicitlyDenied'));
    expect(await regionalDecisions(allEu, 'eu-central-2')).toEqual(every('ExplicitlyDenied'));
  });

  it('denies a request that carries no aws:RequestedRegion at all (fails closed)', async () => {
    expect(await evaluate(allEu, { action: 'dynamodb:PutItem', resource: `arn:aws:dynamodb:eu-central-1:${ACCOUNT}:table/visits`, region: undefined })).toBe('ExplicitlyDenied');
  });

  it.each([
    ['iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/enrich`],
    ['sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/enrich`],
    ['organizations:DescribeOrganization', '*'],
    ['account:GetAlternateContact', `arn:aws:account::${ACCOUNT}:account`],
    ['support:CreateCase', '*'],
    ['health:DescribeEvents', '*'],
    ['aws-portal:ViewBilling', '*'],
    ['ce:GetCostAndUsage', '*'],
    ['budgets:ViewBudget', `arn:aws:budgets::${ACCOUNT}:budget/monthly`],
    ['route53:ChangeResourceRecordSets', 'arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ'],
    ['s3:ListAllMyBuckets', '*'],
    ['cloudtrail:LookupEvents', '*'],
  ])('keeps the global action %s working from us-east-1', async (action, resource) => {
    expect(await evaluate(allEu, { action, resource, region: 'us-east-1' })).toBe('Allowed');
  });

  it.each([
    ['cloudfront:CreateDistribution', '*'],
    ['globalaccelerator:CreateAccelerator', '*'],
    ['acm:RequestCertificate', '*'],
    ['wafv2:CreateWebACL', `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/edge/0123`],
    ['shield:CreateProtection', '*'],
    ['chatbot:CreateSlackChannelConfiguration', '*'],
    ['kms:CreateKey', '*'],
  ])('does not exempt %s, a global or edge service that would process data outside the EU', async (action, resource) => {
    expect(await evaluate(allEu, { action, resource, region: 'us-east-1' })).toBe('ExplicitlyDenied');
  });

  it('lets the break-glass role act outside the EU, and no role whose name merely starts the same or sits on another path', async () => {
    expect(await regionalDecisions(allEu, 'us-east-1', BREAK_GLASS_ROLE)).toEqual(every('Allowed'));
    for (const lookalike of ['role/break-glass/BreakGlassHelper', 'role/BreakGlass', 'role/other/BreakGlass', 'role/break-glass/x/BreakGlass']) {
      expect(await regionalDecisions(allEu, 'us-east-1', `arn:aws:iam::${ACCOUNT}:${lookalike}`), lookalike).toEqual(every('ExplicitlyDenied'));
    }
  });

  it('denies leaving the organization, which would shed the SCP, to everyone including break-glass', async () => {
    for (const principal of [undefined, BREAK_GLASS_ROLE]) {
      expect(await evaluate(allEu, { action: 'organizations:LeaveOrganization', resource: '*', region: 'us-east-1', principal })).toBe('ExplicitlyDenied');
    }
  });
});

describe('the break-glass role is out of reach of an ordinary administrator', () => {
  const protectedActions = [
    'iam:CreateRole', 'iam:DeleteRole', 'iam:UpdateRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy',
    'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:TagRole', 'iam:UntagRole', 'iam:PassRole',
  ];

  it.each(protectedActions)('%s on the break-glass role: denied to an ordinary administrator, from any region', async (action) => {
    for (const region of ['eu-central-1', 'us-east-1']) {
      expect(await evaluate(allEu, { action, resource: BREAK_GLASS_ROLE, region, principal: ORDINARY_ADMINISTRATOR }), region).toBe('ExplicitlyDenied');
    }
  });

  it.each(protectedActions)('%s on the administrator itself: denied to an ordinary administrator (it cannot make itself the administrator)', async (action) => {
    expect(await evaluate(allEu, { action, resource: ADMINISTRATOR, region: 'us-east-1', principal: ORDINARY_ADMINISTRATOR })).toBe('ExplicitlyDenied');
  });

  it.each(protectedActions)('%s on the break-glass role: allowed to the named administrator', async (action) => {
    expect(await evaluate(allEu, { action, resource: BREAK_GLASS_ROLE, region: 'us-east-1', principal: ADMINISTRATOR })).toBe('Allowed');
  });

  it('leaves an ordinary administrator free to manage every other role', async () => {
    for (const action of protectedActions) {
      const resource = `arn:aws:iam::${ACCOUNT}:role/enrich`;
      expect(await evaluate(allEu, { action, resource, region: 'us-east-1', principal: ORDINARY_ADMINISTRATOR }), action).toBe('Allowed');
    }
  });

  it('so an ordinary administrator cannot escape the region deny: neither as itself nor as a look-alike role it may create', async () => {
    expect(await regionalDecisions(allEu, 'us-east-1', ORDINARY_ADMINISTRATOR)).toEqual(every('ExplicitlyDenied'));
    const lookalike = `arn:aws:iam::${ACCOUNT}:role/BreakGlass`;
    expect(await evaluate(allEu, { action: 'iam:CreateRole', resource: lookalike, region: 'us-east-1', principal: ORDINARY_ADMINISTRATOR })).toBe('Allowed');
    expect(await regionalDecisions(allEu, 'us-east-1', lookalike)).toEqual(every('ExplicitlyDenied'));
  });

  it('and the administrator is not exempt from the region deny itself', async () => {
    expect(await regionalDecisions(allEu, 'us-east-1', ADMINISTRATOR)).toEqual(every('ExplicitlyDenied'));
  });
});

describe('region deny SCP narrowed to eu-central-1', () => {
  it('allows regional actions in eu-central-1 only, across every commercial region', async () => {
    const decisions = await Promise.all(COMMERCIAL_REGIONS.map(async (region) => [region, await regionalDecisions(centralOnly, region)] as const));
    const expected = COMMERCIAL_REGIONS.map((region) => [region, every(region === 'eu-central-1' ? 'Allowed' : 'ExplicitlyDenied')] as const);
    expect(Object.fromEntries(decisions)).toEqual(Object.fromEntries(expected));
  });

  it('denies eu-west-1 although it is an EU region', async () => {
    expect(await regionalDecisions(centralOnly, 'eu-west-1')).toEqual(every('ExplicitlyDenied'));
  });

  it('exempts nobody when no break-glass pattern is configured', async () => {
    expect(await regionalDecisions(centralOnly, 'us-east-1', BREAK_GLASS_ROLE)).toEqual(every('ExplicitlyDenied'));
  });
});

describe('region deny SCP document', () => {
  it('stays under the 5,120-character SCP limit, counted without whitespace as Organizations does', () => {
    const longestPattern = `arn:aws:iam::${ACCOUNT}:role/break-glass/eu-enrichment-platform/EmergencyAccessRole`;
    const largest = scpFor(EU_REGIONS, longestPattern);
    const size = JSON.stringify(largest).length;
    const breakGlass = { roleArnPattern: longestPattern, administratorArn: ADMINISTRATOR_PATTERN };
    expect(size).toBe(scpCharacterCount(buildRegionDenyScp({ allowedRegions: EU_REGIONS, breakGlass })));
    expect(size).toBeLessThan(5120);
  });

  it.each([[['eu-west-2']], [['eu-central-1', 'eu-central-2']], [['us-east-1']], [[]]])('refuses %j as allowed regions (defence in depth behind the config loader)', (allowedRegions) => {
    expect(() => buildRegionDenyScp({ allowedRegions })).toThrow(/allowedRegions/);
  });

  it.each(['arn:aws:iam::*:role/*', 'arn:aws:iam::*:role/break-glass/*', '*', `arn:aws:iam::${ACCOUNT}:user/break-glass/BreakGlass`, 'arn:aws:iam::*:role/BreakGlass'])(
    'refuses the break-glass pattern %s, which would not name one role on a dedicated path',
    (pattern) => {
      const breakGlass = { roleArnPattern: pattern, administratorArn: ADMINISTRATOR_PATTERN };
      expect(() => buildRegionDenyScp({ allowedRegions: ['eu-central-1'], breakGlass })).toThrow(/breakGlassRoleArnPattern/);
    },
  );

  it.each(['arn:aws:iam::*:role/*', 'arn:aws:iam::*:role/break-glass/Admin', '*', 'arn:aws:sts::111122223333:assumed-role/Admin/me'])(
    'refuses the break-glass administrator %s, which is not one principal off the break-glass path',
    (administratorArn) => {
      const breakGlass = { roleArnPattern: BREAK_GLASS_PATTERN, administratorArn };
      expect(() => buildRegionDenyScp({ allowedRegions: ['eu-central-1'], breakGlass })).toThrow(/breakGlassAdministratorArn/);
    },
  );
});
