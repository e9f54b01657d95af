/**
 * The deployed names the audit pack needs to read the trail (lib/enrichment-stack.ts publishes them,
 * resolved by CloudFormation, as register/deployment.json; tools/audit-pack reads them back).
 */
export interface DeploymentFacts {
  readonly account: string;
  readonly region: string;
  readonly visitsTableArn: string;
  /** Tenant id → that tenant's pseudonym secret. */
  readonly pseudonymSecretArns: Readonly<Record<string, string>>;
  readonly breachRegisterBucket: string;
  readonly auditBucket: string;
  /** `<prefix><tenantId>` is a controller's request topic (forwarded requests, erasure confirmations). */
  readonly requestTopicArnPrefix: string;
  /** The execution roles of the service's own functions: their accesses are the service, not people. */
  readonly serviceRoleArns: Readonly<Record<ServiceRole, string>>;
}

export type ServiceRole = 'enrich' | 'visits' | 'visitorData' | 'collect' | 'dataSubjectRequests' | 'complianceRegister' | 'breachReport' | 'breachNotify';

export const DEPLOYMENT_FACTS_FILE = 'deployment.json';
