import { requiredEnv } from '../shared/config/startup.js';

/** Environment variable names, shared by the CDK construct that sets them and the functions that read them. */
export const BREACH_ENV = {
  bucket: 'BREACH_REGISTER_BUCKET',
  retentionYears: 'BREACH_RETENTION_YEARS',
  tenantIds: 'BREACH_TENANT_IDS',
  topicArnPrefix: 'BREACH_TENANT_TOPIC_ARN_PREFIX',
  retryQueueUrl: 'BREACH_RETRY_QUEUE_URL',
} as const;

export interface BreachEnvironment {
  readonly bucket: string;
  readonly retentionYears: number;
  readonly tenantIds: readonly string[];
  /** Each tenant's topic is `<prefix><tenantId>` (see BreachAlertTopics). */
  readonly topicArnOf: (tenantId: string) => string;
  readonly retryQueueUrl: string;
}

/** Reads and checks the functions' configuration once, at cold start: a deployment mistake fails loudly. */
export function readBreachEnvironment(env: NodeJS.ProcessEnv): BreachEnvironment {
  const required = (name: string) => requiredEnv(name, env);
  const retentionYears = Number(required(BREACH_ENV.retentionYears));
  if (!Number.isInteger(retentionYears) || retentionYears < 1) throw new Error(`${BREACH_ENV.retentionYears} must be a whole number of years`);
  const topicArnPrefix = required(BREACH_ENV.topicArnPrefix);
  return {
    bucket: required(BREACH_ENV.bucket),
    retentionYears,
    tenantIds: required(BREACH_ENV.tenantIds).split(','),
    topicArnOf: (tenantId) => `${topicArnPrefix}${tenantId}`,
    retryQueueUrl: required(BREACH_ENV.retryQueueUrl),
  };
}
