import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AUDIT_PACK_PREFIX, REGISTER_PREFIX, type AuditTrail } from '../audit/audit-trail.js';
import { trustedPrincipal } from '../breach/auditor-access.js';
import { acknowledgeGrantPolicies } from '../breach/grant-policies.js';

export interface ControllerAuditorAccessProps {
  readonly tenantId: string;
  /** The controller's auditors (config: tenants[].auditorPrincipals); at least one. */
  readonly principals: readonly string[];
  readonly auditTrail: AuditTrail;
}

/**
 * One controller's auditors (agreement 10): a role they assume with MFA that reads that controller's
 * audit packs (audit-packs/<tenantId>/) and register view (register/controllers/<tenantId>/), and nothing
 * else — no trail files, no other controller's pack, no whole register.
 */
export class ControllerAuditorAccess extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ControllerAuditorAccessProps) {
    super(scope, id);
    if (props.principals.length === 0) throw new Error(`ControllerAuditorAccess for ${props.tenantId} needs at least one auditor principal ARN`);
    const mfa = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
    this.role = new iam.Role(this, 'Role', {
      description: `Auditors of controller ${props.tenantId}: read-only access to its audit packs and register view`,
      assumedBy: new iam.CompositePrincipal(...props.principals.map((arn) => trustedPrincipal(arn).withConditions(mfa))),
      maxSessionDuration: Duration.hours(1),
    });
    const reason = `Auditors of ${props.tenantId} read the objects of its own folder only; the file names are chosen per quarter.`;
    props.auditTrail.grantReadUnder(this.role, `${AUDIT_PACK_PREFIX}${props.tenantId}/`, reason);
    props.auditTrail.grantReadUnder(this.role, `${REGISTER_PREFIX}controllers/${props.tenantId}/`, reason);
    acknowledgeGrantPolicies(this.role);
  }
}
