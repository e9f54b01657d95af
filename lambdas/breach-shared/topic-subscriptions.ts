import { GetSubscriptionAttributesCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, type SNSClient } from '@aws-sdk/client-sns';

/** How many confirmed subscriptions the topic has (SNS counts them: SubscriptionsConfirmed). */
export async function confirmedSubscriptions(sns: SNSClient, topicArn: string): Promise<number> {
  const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
  const count = Number(Attributes?.SubscriptionsConfirmed);
  if (!Number.isInteger(count)) throw new Error('SNS did not say how many subscriptions of the topic are confirmed');
  return count;
}

/** One subscription of a topic, as far as it matters for delivering breach notices. */
export interface SubscriptionState {
  /** The subscription ARN, or 'PendingConfirmation' for a subscription nobody confirmed yet. */
  readonly subscriptionArn: string;
  readonly protocol: string;
  readonly confirmed: boolean;
  /**
   * Confirmed with AuthenticateOnUnsubscribe: only the topic owner (signed request) can then remove it,
   * not the unsubscribe link in every e-mail, which a mail scanner may follow.
   */
  readonly authenticatedUnsubscribe: boolean;
}

/** Every subscription of a topic with its confirmation state. */
export async function subscriptionsOf(sns: SNSClient, topicArn: string): Promise<SubscriptionState[]> {
  const states: SubscriptionState[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
    for (const subscription of page.Subscriptions ?? []) {
      const subscriptionArn = subscription.SubscriptionArn ?? 'PendingConfirmation';
      const protocol = subscription.Protocol ?? 'unknown';
      if (subscriptionArn === 'PendingConfirmation') {
        states.push({ subscriptionArn, protocol, confirmed: false, authenticatedUnsubscribe: false });
        continue;
      }
      const { Attributes = {} } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
      states.push({
        subscriptionArn,
        protocol,
        confirmed: Attributes.PendingConfirmation !== 'true',
        authenticatedUnsubscribe: Attributes.ConfirmationWasAuthenticated === 'true',
      });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return states;
}
