import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEPLOYMENT_REGION } from '../eu-regions.js';
import { RegionDenyPolicy, type RegionDenyPolicyProps } from './region-deny-policy.js';

export interface GuardrailStackProps extends Omit<StackProps, 'env'>, RegionDenyPolicyProps {
  /**
   * The organization's management account, which alone can create and attach SCPs.
   * @default - the account of the deploying credentials
   */
  readonly managementAccount?: string;
}

/**
 * Organization-wide guardrails, deployed from the management account into
 * eu-central-1 (CloudFormation manages Organizations from any region).
 * Termination protection is on by default: deleting the stack would detach the SCP.
 */
export class GuardrailStack extends Stack {
  readonly regionDenyPolicy: RegionDenyPolicy;

  constructor(scope: Construct, id: string, props: GuardrailStackProps) {
    super(scope, id, {
      ...props,
      terminationProtection: props.terminationProtection ?? true,
      env: { account: props.managementAccount, region: DEPLOYMENT_REGION },
    });
    this.regionDenyPolicy = new RegionDenyPolicy(this, 'RegionDeny', props);
  }
}
