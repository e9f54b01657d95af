import { Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Permissions in this project come from CDK grants made by the construct that owns each resource;
 * they land in the role's own generated (inline) policy. Acknowledges NIST's inline-policy rule for
 * such a role, with the reason.
 */
export function acknowledgeGrantPolicies(role: iam.IRole): void {
  Validations.of(role).acknowledge({
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason:
      'The policy is generated from least-privilege grants by the constructs owning each resource, belongs to this one ' +
      'role and is deployed and removed with it; a managed policy could be attached to other principals, which is what ' +
      'the rule guards against.',
  });
}
