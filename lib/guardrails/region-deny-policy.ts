import { CfnPolicy } from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { DEPLOYMENT_REGION, type EuRegion } from '../eu-regions.js';
import { buildRegionDenyScp, scpCharacterCount, SCP_MAX_CHARACTERS, type BreakGlassOptions } from './region-deny-scp.js';

export interface RegionDenyPolicyProps {
  /** Organizations root (r-…), OU (ou-…) or account ids the SCP is attached to; at least one. */
  readonly targetIds: readonly string[];
  /**
   * Regions left open: EU regions only (lib/eu-regions.ts).
   * @default - only the deployment region, eu-central-1
   */
  readonly allowedRegions?: readonly EuRegion[];
  /**
   * The break-glass role exempt from the region deny, and the administrator who alone may create or change it.
   * @default - no principal is exempt
   */
  readonly breakGlass?: BreakGlassOptions;
  /** @default 'eu-only-region-deny' */
  readonly policyName?: string;
}

/** The EU-only service control policy, attached to the configured OUs and accounts. */
export class RegionDenyPolicy extends Construct {
  readonly policy: CfnPolicy;

  constructor(scope: Construct, id: string, props: RegionDenyPolicyProps) {
    super(scope, id);
    if (props.targetIds.length === 0) {
      throw new Error('RegionDenyPolicy: targetIds is empty; an SCP attached nowhere protects nothing (set guardrailTargets)');
    }
    const document = buildRegionDenyScp({
      allowedRegions: props.allowedRegions ?? [DEPLOYMENT_REGION],
      breakGlass: props.breakGlass,
    });
    const size = scpCharacterCount(document);
    if (size > SCP_MAX_CHARACTERS) {
      throw new Error(`RegionDenyPolicy: the SCP is ${size} characters, over the Organizations limit of ${SCP_MAX_CHARACTERS}`);
    }

    this.policy = new CfnPolicy(this, 'Policy', {
      name: props.policyName ?? 'eu-only-region-deny',
      description: 'EU-only processing clause: denies every action outside the allowed EU regions, except global services holding no personal data',
      type: 'SERVICE_CONTROL_POLICY',
      // An object rather than a string keeps CloudFormation drift detection working;
      // CloudFormation submits it as compact JSON, the form scpCharacterCount measures.
      content: document,
      targetIds: [...props.targetIds],
    });
  }
}
