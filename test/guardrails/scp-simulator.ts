import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Template } from 'aws-cdk-lib/assertions';
import type { Stack } from 'aws-cdk-lib';

export const ACCOUNT = '111122223333';

/** The policy content exactly as synthesized into the template: that is what gets evaluated. */
export function synthesizedScp(stack: Stack): unknown {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::Organizations::Policy'));
  if (policies.length !== 1) throw new Error(`expected one AWS::Organizations::Policy, found ${policies.length}`);
  return (policies[0] as { Properties: { Content: unknown } }).Properties.Content;
}

const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

export interface Request {
  readonly action: string;
  readonly resource: string;
  /** Becomes aws:RequestedRegion; undefined leaves the key out of the request. */
  readonly region: string | undefined;
  readonly principal?: string;
}

/**
 * Evaluates one request as AWS would for a member account under an OU: the
 * principal has an allow-all identity policy, the root and the OU carry
 * FullAWSAccess (as Organizations attaches by default), and the OU also
 * carries the SCP under test. Returns 'Allowed', 'ExplicitlyDenied' or 'ImplicitlyDenied'.
 */
export async function evaluate(scp: unknown, request: Request): Promise<string> {
  const principal = request.principal ?? `arn:aws:iam::${ACCOUNT}:role/Developer`;
  const contextVariables: Record<string, string> = { 'aws:PrincipalArn': principal };
  if (request.region !== undefined) contextVariables['aws:RequestedRegion'] = request.region;
  const result = await runSimulation(
    {
      request: { principal, action: request.action, resource: { resource: request.resource, accountId: ACCOUNT }, contextVariables },
      identityPolicies: [{ name: 'AllowAll', policy: ALLOW_ALL }],
      serviceControlPolicies: [
        { orgIdentifier: 'r-abcd', policies: [{ name: 'FullAWSAccess', policy: ALLOW_ALL }] },
        { orgIdentifier: 'ou-abcd-12345678', policies: [{ name: 'FullAWSAccess', policy: ALLOW_ALL }, { name: 'EuOnly', policy: scp }] },
      ],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation rejected ${request.action}: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}
