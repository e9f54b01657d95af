import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { TenantConfig } from '../config/app-config.js';

/**
 * The name of a controller's notice topic: breach notices, forwarded requests, and (npm run
 * change-notice) change notices and instruction warnings all reach the controller through it.
 */
export function tenantNoticeTopicName(stackName: string, tenantId: string): string {
  return `${stackName}-breach-notice-${tenantId}`;
}

/** The name of a controller's request topic: forwarded data-subject requests and erasure confirmations. */
export function tenantRequestTopicName(stackName: string, tenantId: string): string {
  return `${stackName}-data-subject-requests-${tenantId}`;
}

export interface BreachAlertTopicsProps {
  /** The controllers: one breach-notice topic each, subscribed by its contact addresses. */
  readonly tenants: readonly Pick<TenantConfig, 'id' | 'contactEmails'>[];
  /** The processor's own team: suspected incidents (alarms) go here and only here. */
  readonly operationsEmails: readonly string[];
}

/**
 * Where alerts go, kept strictly apart: per controller one topic for confirmed breaches (Art. 33(2))
 * and another for forwarded data-subject requests (so a DPO who unsubscribes from the public form's
 * traffic still receives breach notices), and one operations topic for the processor's own suspected
 * incidents. All topics are encrypted with a rotating customer-managed key and refuse non-TLS requests.
 *
 * Tenant topics have predictable names (`<stack>-breach-notice-<tenantId>`) so the breach functions
 * can address any configured tenant from a single environment variable however many tenants there are.
 */
export class BreachAlertTopics extends Construct {
  readonly operationsTopic: sns.Topic;
  readonly encryptionKey: kms.Key;
  /** `<arn prefix><tenantId>` is a tenant's topic ARN. */
  readonly tenantTopicArnPrefix: string;
  /** `<arn prefix><tenantId>` is a tenant's request topic ARN. */
  readonly requestTopicArnPrefix: string;
  private readonly tenantTopics = new Map<string, sns.Topic>();
  private readonly requestTopics = new Map<string, sns.Topic>();

  constructor(scope: Construct, id: string, props: BreachAlertTopicsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const namePrefix = tenantNoticeTopicName(stack.stackName, '');
    this.tenantTopicArnPrefix = stack.formatArn({ service: 'sns', resource: namePrefix });
    this.requestTopicArnPrefix = stack.formatArn({ service: 'sns', resource: tenantRequestTopicName(stack.stackName, '') });

    this.encryptionKey = new kms.Key(this, 'Key', {
      description: 'Encrypts the breach notice and operations alert topics',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch alarms publish to the encrypted operations topic as a service; the topic policy below
    // limits that to this account's alarms, and the key is usable only through a topic that lets them in.
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: this.thisAccountsAlarms(),
      }),
    );

    this.operationsTopic = this.topic('Operations', 'Processor operations - suspected incidents', props.operationsEmails);
    this.operationsTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlarmsOfThisAccountPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.operationsTopic.topicArn],
        conditions: this.thisAccountsAlarms(),
      }),
    );
    for (const tenant of props.tenants) {
      const topic = this.topic(`Tenant-${tenant.id}`, 'Data protection notices from your processor', tenant.contactEmails, `${namePrefix}${tenant.id}`);
      this.tenantTopics.set(tenant.id, topic);
      const requests = this.topic(`Requests-${tenant.id}`, 'Data subject requests: forwarded requests, erasure confirmations', tenant.contactEmails, tenantRequestTopicName(stack.stackName, tenant.id));
      this.requestTopics.set(tenant.id, requests);
    }
  }

  /** Only alarms of this account may use the key and the operations topic (no confused deputy). */
  private thisAccountsAlarms(): Record<string, Record<string, string>> {
    const stack = Stack.of(this);
    return {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    };
  }

  get tenantIds(): string[] {
    return [...this.tenantTopics.keys()];
  }

  tenantTopic(tenantId: string): sns.ITopic {
    const topic = this.tenantTopics.get(tenantId);
    if (!topic) throw new Error(`No breach notice topic for tenant ${tenantId}`);
    return topic;
  }

  /** The topic a tenant's forwarded data-subject requests go to (never its breach notice topic). */
  requestTopic(tenantId: string): sns.ITopic {
    const topic = this.requestTopics.get(tenantId);
    if (!topic) throw new Error(`No data-subject request topic for tenant ${tenantId}`);
    return topic;
  }

  /** Tenant id → its data-subject request topic ARN. */
  requestTopicArns(): Record<string, string> {
    return Object.fromEntries([...this.requestTopics].map(([id, topic]) => [id, topic.topicArn]));
  }

  /**
   * Lets a breach function publish to every tenant's breach notice topic (and use their key), and to
   * nothing else; it first reads the topic's subscription count (a notice sent to nobody is not sent).
   */
  grantPublishToTenants(role: iam.IRole): void {
    this.grantPublish(role, [...this.tenantTopics.values()]);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sns:GetTopicAttributes'],
      resources: [...this.tenantTopics.values()].map((topic) => topic.topicArn),
    }));
  }

  /** Lets a function (request forwarding, erasure confirmation) publish to every tenant's request topic, and to nothing else. */
  grantPublishToRequestTopics(role: iam.IRole): void {
    this.grantPublish(role, [...this.requestTopics.values()]);
  }

  /** Lets the delivery check read the subscriptions of every breach topic and of the operations topic. */
  grantDeliveryCheck(role: iam.IRole): void {
    const checked = [...this.tenantTopics.values(), this.operationsTopic];
    // SNS authorizes GetSubscriptionAttributes against the subscription's topic.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic', 'sns:GetSubscriptionAttributes'],
      resources: checked.map((topic) => topic.topicArn),
    }));
  }

  private grantPublish(role: iam.IRole, topics: readonly sns.ITopic[]): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: topics.map((topic) => topic.topicArn) }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [this.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `sns.${Stack.of(this).region}.amazonaws.com` } },
    }));
  }

  private topic(id: string, displayName: string, emails: readonly string[], topicName?: string): sns.Topic {
    const topic = new sns.Topic(this, id, { topicName, displayName, masterKey: this.encryptionKey, enforceSSL: true });
    for (const email of emails) topic.addSubscription(new subscriptions.EmailSubscription(email));
    return topic;
  }
}
