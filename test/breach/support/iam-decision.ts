import { runSimulation, type SimulationIdentityPolicy } from '@cloud-copilot/iam-simulate';

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface Principal {
  readonly name: string;
  readonly arn: string;
  readonly policies: readonly SimulationIdentityPolicy[];
}

export interface Request {
  readonly action: string;
  readonly resource: string;
  /** The resource's own policy (bucket, topic or key policy), evaluated together with the identity policies. */
  readonly resourcePolicy?: unknown;
  readonly context?: Record<string, string>;
}

/**
 * Asks the IAM policy evaluator whether a principal (a role, by its ARN, as a same-account session
 * over TLS) may make a request. A request the evaluator rejects as malformed fails the test.
 */
export async function decide(principal: Principal, request: Request, account: string): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: principal.arn,
        action: request.action,
        resource: { resource: request.resource, accountId: account },
        contextVariables: { 'aws:PrincipalArn': principal.arn, 'aws:PrincipalAccount': account, 'aws:SecureTransport': 'true', ...request.context },
      },
      identityPolicies: [...principal.policies],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.resourcePolicy,
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation of ${request.action} by ${principal.name} failed: ${JSON.stringify(result.errors)}`);
  if (result.resultType !== 'single') throw new Error(`unexpected ${result.resultType} simulation result`);
  return result.overallResult as Decision;
}
