import { requireEuRegions } from './allowed-regions.js';

/** Organizations quota for one service control policy document, counted without whitespace. */
export const SCP_MAX_CHARACTERS = 5120;

/**
 * Actions the region deny leaves alone (its `NotAction`).
 *
 * Modelled on AWS Control Tower's Region deny control (GRREGIONDENY /
 * CT.MULTISERVICE.PV.1) and AWS's published SCP example "Deny access to AWS
 * based on the requested AWS Region", then cut down. An action stays only if
 * (1) its service answers from a single global endpoint outside the EU (mostly
 * us-east-1), so a region deny would block it completely, and (2) it neither
 * stores nor processes personal data nor opens a path for data to leave the EU.
 *
 * Dropped from Control Tower's list on purpose, so they are denied outside the EU:
 * - cloudfront, globalaccelerator, S3 Multi-Region Access Points, waf, wafv2,
 *   waf-regional, shield, acm: edge networks that terminate viewer connections
 *   (and log viewer IP addresses) worldwide, and the us-east-1 certificates,
 *   web ACLs and protections that exist only to serve them.
 * - kms, config, compute-optimizer, resource-explorer-2, tag, lightsail, sso,
 *   access-analyzer (except ValidatePolicy), directconnect, networkmanager, fms,
 *   ec2:DescribeTransitGateways/DescribeVpnGateways: regional services, or
 *   global views of regional networks; use them in an EU region.
 * - chatbot, chime, a4b, supportapp, notifications, notifications-contacts,
 *   consoleapp: they forward alarms, cases and messages to chat apps, phones
 *   or mailboxes outside the EU.
 * - devicefarm, importexport, mobileanalytics, iq, ecr-public: they move data,
 *   disks or access to parties outside the EU (test devices in us-west-2,
 *   shipped disks, end-user analytics, freelance experts, a public registry).
 * - aws-marketplace, aws-marketplace-management, discovery-marketplace,
 *   vendor-insights, license-manager, activate: a Marketplace product can be
 *   a new sub-processor, so subscribing goes through the break-glass role or
 *   the management account, after the controllers have been told.
 * - datapipeline, quicksight, route53-recovery-*: regional data services this
 *   platform does not use.
 */
export const GLOBAL_SERVICE_EXEMPTIONS: readonly string[] = [
  // Identity and access: IAM and the global STS endpoint (sts.amazonaws.com)
  // answer only in us-east-1 and hold configuration and credentials, no personal data.
  'iam:*',
  'sts:*',
  // Organizations and Account Management are us-east-1 only. Enabling an opt-in
  // region through account:* gains nothing: every regional action there stays denied.
  // Leaving the organization (which would shed this SCP) is denied by a second statement.
  'organizations:*',
  'account:*',
  // The IAM policy editor validates policies through us-east-1; the analyzers
  // themselves are regional and stay in the EU.
  'access-analyzer:ValidatePolicy',
  // Read-only: lets auditors look up IAM, STS and Organizations events, which
  // CloudTrail records in us-east-1.
  'cloudtrail:LookupEvents',
  // AWS's own compliance reports and agreements (among them the AWS GDPR DPA).
  'artifact:*',
  // Account health events, support cases and Trusted Advisor checks are served
  // from us-east-1. Support cases are free text: the runbook forbids pasting
  // personal data such as IP addresses into them.
  'health:*',
  'support:*',
  'supportplans:*',
  'trustedadvisor:*',
  // Billing and cost tools are us-east-1 only and hold spend data about the
  // account, never personal data of data subjects. Cost and usage reports are
  // written to an S3 bucket, which this SCP lets exist only in the EU.
  'aws-portal:*',
  'billing:*',
  'billingconductor:*',
  'budgets:*',
  'ce:*',
  'consolidatedbilling:*',
  'cur:*',
  'freetier:*',
  'invoicing:*',
  'payments:*',
  'pricing:*',
  'savingsplans:*',
  'sustainability:*',
  'tax:*',
  // Public DNS and domain registration: the control plane is us-east-1 and a
  // record names our endpoints, not a visitor. DNS query logging would need a
  // log group in us-east-1, which this SCP denies (logs:* is not exempt).
  'route53:*',
  'route53domains:*',
  // Account-level S3 calls the console and SDKs send to us-east-1: metadata and
  // the account's public-access block. Object reads and writes are denied
  // outside the EU because they are addressed to the bucket's own region.
  's3:ListAllMyBuckets',
  's3:GetBucketLocation',
  's3:GetAccountPublicAccessBlock',
  's3:PutAccountPublicAccessBlock',
  // Region discovery by the console and SDKs.
  'ec2:DescribeRegions',
];

/**
 * What nobody but the named break-glass administrator may do to the break-glass role (or to the
 * administrator itself): create, change, tag, delete it, give it policies, or hand it to a service
 * (PassRole, e.g. as an instance profile). Without this, anyone who can create roles could create one
 * whose ARN matches the exemption and leave the EU with it (AWS Control Tower pairs its own exemption
 * with the same kind of control).
 */
export const BREAK_GLASS_PROTECTED_ACTIONS: readonly string[] = [
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
  'iam:UpdateAssumeRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:PassRole',
];

export interface BreakGlassOptions {
  /**
   * IAM role ARN pattern (ArnLike syntax) exempt from the region deny, on a dedicated IAM path,
   * e.g. `arn:aws:iam::*:role/break-glass/BreakGlass`.
   */
  readonly roleArnPattern: string;
  /**
   * The one principal (ArnLike syntax) allowed to create or change the break-glass role, e.g.
   * `arn:aws:iam::*:role/OrganizationAccountAccessRole`, which only the management account can assume.
   */
  readonly administratorArn: string;
}

export interface RegionDenyScpOptions {
  /** Regions in which everything stays allowed: EU regions only, see lib/eu-regions.ts. */
  readonly allowedRegions: readonly string[];
  /**
   * A break-glass role exempt from the region deny, for a documented procedure, and the administrator
   * who alone manages it.
   * @default - no principal is exempt
   */
  readonly breakGlass?: BreakGlassOptions;
}

export interface ScpStatement {
  readonly Sid: string;
  readonly Effect: 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface ScpDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly ScpStatement[];
}

/**
 * The EU-only service control policy: denies every action requested for a region outside
 * `allowedRegions`, except the global services above, denies leaving the organization, which would
 * shed the policy, and keeps the break-glass role in the hands of its administrator.
 */
export function buildRegionDenyScp(options: RegionDenyScpOptions): ScpDocument {
  const allowedRegions = requireEuRegions(options.allowedRegions);
  const breakGlass = options.breakGlass;
  if (breakGlass !== undefined) assertBreakGlass(breakGlass);

  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyAllOutsideAllowedEuRegions',
        Effect: 'Deny',
        NotAction: GLOBAL_SERVICE_EXEMPTIONS,
        Resource: '*',
        Condition: {
          StringNotEquals: { 'aws:RequestedRegion': allowedRegions },
          ...(breakGlass === undefined ? {} : { ArnNotLike: { 'aws:PrincipalARN': breakGlass.roleArnPattern } }),
        },
      },
      {
        Sid: 'DenyLeavingTheOrganization',
        Effect: 'Deny',
        Action: 'organizations:LeaveOrganization',
        Resource: '*',
      },
      ...(breakGlass === undefined
        ? []
        : [{
            Sid: 'OnlyTheBreakGlassAdministratorManagesTheBreakGlassRole',
            Effect: 'Deny' as const,
            Action: BREAK_GLASS_PROTECTED_ACTIONS,
            Resource: [breakGlass.roleArnPattern, breakGlass.administratorArn],
            Condition: { ArnNotLike: { 'aws:PrincipalARN': breakGlass.administratorArn } },
          }]),
    ],
  };
}

/** The size Organizations counts against SCP_MAX_CHARACTERS: the JSON without whitespace. */
export function scpCharacterCount(document: ScpDocument): number {
  return JSON.stringify(document).length;
}

const ROLE_ON_PATH = /^arn:aws:iam::(\d{12}|\*):role\/((?:[\w+=,.@-]+\/)+)([\w+=,.@*?-]+)$/;
const ADMINISTRATOR = /^arn:aws:iam::(\d{12}|\*):(role|user)\/([\w+=,.@/-]+)$/;

/**
 * What is wrong with a break-glass setting, if anything: the role must be one role on a dedicated
 * path (`role/*` would exempt every role), the administrator one named principal off that path.
 * lib/config reports these as configuration problems; the SCP builder refuses them again.
 */
export function breakGlassProblems({ roleArnPattern, administratorArn }: BreakGlassOptions): string[] {
  const problems: string[] = [];
  const role = ROLE_ON_PATH.exec(roleArnPattern);
  if (role === null || !/[^*?]/.test(role[3] ?? '')) {
    problems.push(
      'breakGlassRoleArnPattern: must name one IAM role on a dedicated path, e.g. arn:aws:iam::*:role/break-glass/BreakGlass; ' +
        `got ${JSON.stringify(roleArnPattern)}`,
    );
  }
  const administrator = ADMINISTRATOR.exec(administratorArn);
  if (administrator === null || (role !== null && `${administrator[3]}/`.startsWith(role[2]!))) {
    problems.push(
      'breakGlassAdministratorArn: must name one IAM role or user (no wildcard in its name) off the break-glass path, e.g. ' +
        `arn:aws:iam::*:role/OrganizationAccountAccessRole; got ${JSON.stringify(administratorArn)}`,
    );
  }
  return problems;
}

function assertBreakGlass(options: BreakGlassOptions): void {
  const problems = breakGlassProblems(options);
  if (problems.length > 0) throw new Error(problems.join('; '));
}
