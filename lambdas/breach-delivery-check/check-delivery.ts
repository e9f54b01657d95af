import type { SNSClient } from '@aws-sdk/client-sns';
import type { Logger } from '@aws-lambda-powertools/logger';
import { subscriptionsOf, type SubscriptionState } from '../breach-shared/topic-subscriptions.js';

export interface DeliveryCheckDependencies {
  readonly sns: SNSClient;
  /** Whose topic → topic ARN: every tenant's breach notice topic, and the operations topic. */
  readonly topics: ReadonlyMap<string, string>;
  readonly logger: Logger;
}

/** The log line the operations alarm counts (BreachReporting). */
export const DELIVERY_CHECK_FAILED = 'breach notice delivery check found topics that may not reach anyone';
const REMEDY =
  "Confirm each subscription with authentication: take the token from the confirmation e-mail's link and run " +
  '`aws sns confirm-subscription --topic-arn <topic> --token <token> --authenticate-on-unsubscribe true`.';

export interface TopicFinding {
  readonly owner: string;
  readonly topicArn: string;
  readonly problems: readonly string[];
}

/**
 * The scheduled check that a breach notice would reach someone: each topic needs a confirmed
 * subscription, and each subscription must have been confirmed with AuthenticateOnUnsubscribe (an
 * e-mail confirmed through the link in the confirmation mail is not: the unsubscribe link in every
 * notice, or a mail scanner following it, can then remove it silently). Findings are logged as
 * DELIVERY_CHECK_FAILED, on which an alarm calls the operations team (never a controller).
 */
export async function checkBreachDelivery(deps: DeliveryCheckDependencies): Promise<TopicFinding[]> {
  const findings: TopicFinding[] = [];
  for (const [owner, topicArn] of deps.topics) {
    const problems = await problemsOf(deps.sns, topicArn).catch((error: unknown) => [`could not be checked (${(error as Error).name})`]);
    if (problems.length > 0) findings.push({ owner, topicArn, problems });
  }
  if (findings.length === 0) {
    deps.logger.info('breach notice delivery check passed', { topics: deps.topics.size });
    return findings;
  }
  deps.logger.error(DELIVERY_CHECK_FAILED, { findings, remedy: REMEDY });
  return findings;
}

function problemsOf(sns: SNSClient, topicArn: string): Promise<string[]> {
  return subscriptionsOf(sns, topicArn).then((subscriptions) => describeProblems(subscriptions));
}

function describeProblems(subscriptions: readonly SubscriptionState[]): string[] {
  const problems: string[] = [];
  const confirmed = subscriptions.filter((subscription) => subscription.confirmed);
  const pending = subscriptions.length - confirmed.length;
  const removableByLink = confirmed.filter((subscription) => !subscription.authenticatedUnsubscribe).length;
  if (confirmed.length === 0) problems.push('no confirmed subscription: a breach notice would reach nobody and is held back');
  if (pending > 0) problems.push(`${pending} subscription(s) still pending confirmation`);
  if (removableByLink > 0) {
    problems.push(`${removableByLink} subscription(s) confirmed without AuthenticateOnUnsubscribe: the unsubscribe link in any notice removes them`);
  }
  return problems;
}
