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

export interface RegionDenyScpOptions {
  /** Regions in which everything stays allowed: EU regions only, see lib/eu-regions.ts. */
  readonly allowedRegions: readonly string[];
  /**
   * IAM role ARN pattern (ArnLike syntax) exempt from the region deny, for a
   * documented break-glass procedure, e.g. `arn:aws:iam::*:role/BreakGlass`.
   * @default - no principal is exempt
   */
  readonly breakGlassRoleArnPattern?: string;
}

export interface ScpStatement {
  readonly Sid: string;
  readonly Effect: 'Deny';
  readonly Action?: string;
  readonly NotAction?: readonly string[];
  readonly Resource: '*';
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface ScpDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly ScpStatement[];
}

/**
 * The EU-only service control policy: denies every action requested for a
 * region outside `allowedRegions`, except the global services above, and
 * denies leaving the organization, which would shed the policy.
 */
export function buildRegionDenyScp(options: RegionDenyScpOptions): ScpDocument {
  const allowedRegions = requireEuRegions(options.allowedRegions);
  const breakGlass = options.breakGlassRoleArnPattern;
  if (breakGlass !== undefined) assertNarrowRolePattern(breakGlass);

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
          ...(breakGlass === undefined ? {} : { ArnNotLike: { 'aws:PrincipalARN': breakGlass } }),
        },
      },
      {
        Sid: 'DenyLeavingTheOrganization',
        Effect: 'Deny',
        Action: 'organizations:LeaveOrganization',
        Resource: '*',
      },
    ],
  };
}

/** The size Organizations counts against SCP_MAX_CHARACTERS: the JSON without whitespace. */
export function scpCharacterCount(document: ScpDocument): number {
  return JSON.stringify(document).length;
}

/** A break-glass pattern must name a role; `role/*` would exempt every role in the account. */
function assertNarrowRolePattern(pattern: string): void {
  const match = /^arn:aws:iam::(\d{12}|\*):role\/(.+)$/.exec(pattern);
  if (match === null || !/[^*?/]/.test(match[2] ?? '')) {
    throw new Error(
      `breakGlassRoleArnPattern: must name an IAM role, e.g. arn:aws:iam::*:role/BreakGlass; got ${JSON.stringify(pattern)}`,
    );
  }
}
