import { DeleteSecretCommand, GetSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DeleteTopicCommand, ListSubscriptionsByTopicCommand, ListTopicsCommand, UnsubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { rightsUsagePlanName, usagePlanName } from '../../lib/enrichment/enrichment-api.js';
import { pseudonymSecretName } from '../../lib/enrichment/pseudonym-key.js';
import { reportKeyNameOf } from './offboarding-report.js';

/**
 * What the offboarding needs of API Gateway. There is no API Gateway SDK client in this project: the
 * deployed adapter (api-gateway-rest.ts) calls its REST API with SigV4; tests use a typed fake.
 */
export interface ApiGatewayPort {
  /** The usage plan with this exact name, or undefined. */
  findUsagePlan(name: string): Promise<{ id: string; apiStages: ReadonlyArray<{ apiId: string; stage: string }> } | undefined>;
  usagePlanKeyIds(planId: string): Promise<string[]>;
  disableApiKey(keyId: string): Promise<void>;
  removeKeyFromPlan(planId: string, keyId: string): Promise<void>;
  deleteApiKey(keyId: string): Promise<void>;
  detachStages(planId: string, apiStages: ReadonlyArray<{ apiId: string; stage: string }>): Promise<void>;
  deleteUsagePlan(planId: string): Promise<void>;
}

/** The SNS topics of a tenant, by the names the stack gives them (BreachAlertTopics). */
export const tenantTopicNames = (stackName: string, tenantId: string) => [`${stackName}-breach-notice-${tenantId}`];

export interface RevokedKeys {
  /** Both plans of the tenant: deleted by this run, or already gone (an earlier, interrupted run). */
  readonly usagePlans: Array<{ readonly name: string; readonly status: 'deleted' | 'already-gone' }>;
  /** Keys this run disabled and deleted. */
  readonly apiKeysDeleted: number;
}

/** Disables, detaches and deletes the tenant's API keys (integration and data-subject-rights) and deletes both usage plans. Idempotent. */
export async function revokeApiAccess(api: ApiGatewayPort, stackName: string, tenantId: string): Promise<RevokedKeys> {
  const usagePlans: RevokedKeys['usagePlans'] = [];
  let apiKeysDeleted = 0;
  for (const name of [usagePlanName(stackName, tenantId), rightsUsagePlanName(stackName, tenantId)]) {
    const plan = await api.findUsagePlan(name);
    if (plan === undefined) {
      usagePlans.push({ name, status: 'already-gone' });
      continue;
    }
    for (const keyId of await api.usagePlanKeyIds(plan.id)) {
      // Disabled first: should a later call fail, the key already opens nothing.
      await api.disableApiKey(keyId);
      await api.removeKeyFromPlan(plan.id, keyId);
      await api.deleteApiKey(keyId);
      apiKeysDeleted++;
    }
    if (plan.apiStages.length > 0) await api.detachStages(plan.id, plan.apiStages);
    await api.deleteUsagePlan(plan.id);
    usagePlans.push({ name, status: 'deleted' });
  }
  return { usagePlans, apiKeysDeleted };
}

export interface RemovedTopics {
  readonly topics: string[];
  readonly subscriptionsRemoved: number;
}

/** Unsubscribes every confirmed subscription of the tenant's topics and deletes the topics (which drops pending ones). Idempotent. */
export async function removeTenantTopics(sns: Pick<SNSClient, 'send'>, stackName: string, tenantId: string): Promise<RemovedTopics> {
  const wanted = new Set(tenantTopicNames(stackName, tenantId));
  const topics: string[] = [];
  let subscriptionsRemoved = 0;
  let next: string | undefined;
  do {
    const page = await sns.send(new ListTopicsCommand({ NextToken: next }));
    for (const { TopicArn } of page.Topics ?? []) {
      if (!TopicArn || !wanted.has(TopicArn.split(':').at(-1)!)) continue;
      let subscriptionsNext: string | undefined;
      do {
        const subscriptions = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn, NextToken: subscriptionsNext }));
        for (const { SubscriptionArn } of subscriptions.Subscriptions ?? []) {
          if (!SubscriptionArn?.startsWith('arn:')) continue; // PendingConfirmation: goes with the topic
          await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
          subscriptionsRemoved++;
        }
        subscriptionsNext = subscriptions.NextToken;
      } while (subscriptionsNext);
      await sns.send(new DeleteTopicCommand({ TopicArn }));
      topics.push(TopicArn);
    }
    next = page.NextToken;
  } while (next);
  return { topics, subscriptionsRemoved };
}

/**
 * Destroys the tenant's pseudonym secret at once, without the recovery window (crypto-shredding):
 * every pseudonym of the tenant left in backups, logs or the audit trail can no longer be linked to
 * an address by anyone. Idempotent: a secret already gone counts as destroyed.
 */
export async function destroyPseudonymKey(secrets: Pick<SecretsManagerClient, 'send'>, stackName: string, tenantId: string): Promise<{ secret: string; alreadyGone: boolean }> {
  const secret = pseudonymSecretName(stackName, tenantId);
  try {
    await secrets.send(new DeleteSecretCommand({ SecretId: secret, ForceDeleteWithoutRecovery: true }));
    return { secret, alreadyGone: false };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return { secret, alreadyGone: true };
    throw error;
  }
}

export async function readReportKey(secrets: Pick<SecretsManagerClient, 'send'>, stackName: string): Promise<string> {
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: reportKeyNameOf(stackName) }));
  if (!SecretString) throw new Error(`the report signing key ${reportKeyNameOf(stackName)} has no SecretString`);
  return SecretString;
}
