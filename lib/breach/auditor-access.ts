import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { BreachRegister } from './breach-register.js';
import { acknowledgeGrantPolicies } from './grant-policies.js';

export interface AuditorAccessProps {
  /**
   * IAM user, role or account-root ARNs allowed to assume the role (config: auditorPrincipals). A `*`
   * in the name part (e.g. `arn:aws:iam::210987654321:role/Auditor-*`) matches names in that account.
   * At least one: without auditors, leave the construct out (a role nobody may assume is dead weight).
   */
  readonly principals: readonly string[];
  readonly register: BreachRegister;
  /**
   * Only sessions signed in with MFA may assume the role. Turn off only for federated auditors whose
   * identity provider enforces MFA itself (their sessions do not carry aws:MultiFactorAuthPresent).
   * @default true
   */
  readonly requireMfa?: boolean;
  /** @default one hour */
  readonly maxSessionDuration?: Duration;
}

const IAM_ARN = /^arn:aws:iam::(\d{12}):(?:root|user\/.+|role\/.+)$/;

/**
 * The auditors' way in: a role they assume from their own principals that can list and read the
 * breach register (records, notification markers, their versions, retention and legal holds) and
 * decrypt it through S3, and nothing else. Other read rights (the audit trail) are granted to `role`
 * by their owners.
 */
export class AuditorAccess extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: AuditorAccessProps) {
    super(scope, id);
    if (props.principals.length === 0) throw new Error('AuditorAccess needs at least one auditor principal ARN');
    const conditions = (props.requireMfa ?? true) ? { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } : {};
    this.role = new iam.Role(this, 'Role', {
      description: 'Auditors: read-only access to the breach register',
      assumedBy: new iam.CompositePrincipal(...props.principals.map((arn) => trustedPrincipal(arn).withConditions(conditions))),
      maxSessionDuration: props.maxSessionDuration ?? Duration.hours(1),
    });
    props.register.grantAuditRead(this.role);
    acknowledgeGrantPolicies(this.role);
  }
}

/** Exact ARNs are trusted as principals; a wildcard pattern trusts its account on condition of a matching ARN. */
export function trustedPrincipal(arn: string): iam.PrincipalBase {
  const match = IAM_ARN.exec(arn);
  if (!match) throw new Error(`Auditor principal ${arn} is not an IAM user, role or account-root ARN (an STS session cannot be trusted)`);
  if (!arn.includes('*')) return new iam.ArnPrincipal(arn);
  return new iam.AccountPrincipal(match[1]).withConditions({ ArnLike: { 'aws:PrincipalArn': arn } });
}
