import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OPERATIONS_TOPIC_ENV } from '../../lambdas/breach-delivery-check/operations-topic-env.js';
import { BREACH_ENV } from '../../lambdas/breach-shared/breach-environment.js';
import { DELIVERY_CHECK_FAILED } from '../../lambdas/breach-delivery-check/check-delivery.js';
import { NOTICE_HELD } from '../../lambdas/breach-shared/notify-tenants.js';
import { ApiFunction } from '../enrichment/api-function.js';
import type { BreachAlertTopics } from './breach-alert-topics.js';
import type { BreachRegister } from './breach-register.js';

export interface BreachReportingProps {
  readonly register: BreachRegister;
  readonly alertTopics: BreachAlertTopics;
  /** The configured data retention: the functions' log groups and the queues keep nothing longer. */
  readonly retentionDays: number;
  readonly logEncryptionKey: kms.IKey;
  /**
   * Deliveries of a notification retry before it goes to the dead-letter queue (and the alarm fires).
   * @default 5 (about a quarter of an hour, with the 3-minute visibility timeout)
   */
  readonly maxReceiveCount?: number;
  /**
   * How often every breach topic is checked for a confirmed, authenticated subscription.
   * @default once a day
   */
  readonly deliveryCheckSchedule?: events.Schedule;
}

const handlerEntry = (name: string) => fileURLToPath(new URL(`../../lambdas/${name}/handler.ts`, import.meta.url));
const NOTIFY_TIMEOUT = Duration.seconds(30);
/** Namespace of the metrics counting breach notices that could not be proven delivered. */
export const BREACH_DELIVERY_NAMESPACE = 'EuEnrichment/BreachDelivery';

/**
 * How a breach is reported: the function behind the operator-only route `POST /v1/operator/breaches`
 * (SigV4, declared in lib/api/routes.ts), which stores the record in the register before notifying
 * the affected controllers; the notification retry queue and its consumer; and the alarm that calls
 * the operations team when a stored breach could still not be notified (dead-letter queue not empty).
 */
export class BreachReporting extends Construct {
  readonly reportFunction: ApiFunction;
  readonly notifyFunction: ApiFunction;
  readonly retryQueue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly unnotifiedBreachAlarm: cloudwatch.Alarm;
  /** Fires as soon as a notice is held back because its topic has no confirmed subscriber. */
  readonly heldNoticeAlarm: cloudwatch.Alarm;
  readonly deliveryCheckFunction: ApiFunction;
  /** Fires when the scheduled check finds a breach topic that may not deliver. */
  readonly deliveryCheckAlarm: cloudwatch.Alarm;
  readonly encryptionKey: kms.Key;

  constructor(scope: Construct, id: string, props: BreachReportingProps) {
    super(scope, id);
    const { register, alertTopics } = props;
    const region = Stack.of(this).region;
    const maxReceiveCount = props.maxReceiveCount ?? 5;

    this.encryptionKey = new kms.Key(this, 'Key', {
      description: 'Encrypts the breach notification retry queues',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(Math.min(14, props.retentionDays)),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue of the notification retries; its depth alarms the operations team.',
    });
    this.retryQueue = new sqs.Queue(this, 'Retries', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(NOTIFY_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(Math.min(4, props.retentionDays)),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });

    const environment = {
      [BREACH_ENV.bucket]: register.bucket.bucketName,
      [BREACH_ENV.retentionYears]: String(register.retentionYears),
      [BREACH_ENV.tenantIds]: alertTopics.tenantIds.join(','),
      [BREACH_ENV.topicArnPrefix]: alertTopics.tenantTopicArnPrefix,
      [BREACH_ENV.retryQueueUrl]: this.retryQueue.queueUrl,
    };
    const functionDefaults = { retentionDays: props.retentionDays, logEncryptionKey: props.logEncryptionKey, environment, memorySize: 256 };

    this.reportFunction = new ApiFunction(this, 'Report', {
      ...functionDefaults,
      entry: handlerEntry('breach-report'),
      description: 'Stores a breach report in the locked register, then notifies the affected controllers',
      timeout: Duration.seconds(25),
      reservedConcurrentExecutions: 5,
    });
    const reportRole = this.reportFunction.role;
    register.grantRecordWrite(reportRole);
    register.grantRecordRead(reportRole);
    register.grantNotificationWrite(reportRole);
    alertTopics.grantPublishToTenants(reportRole);
    reportRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.retryQueue.queueArn] }));
    reportRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [this.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `sqs.${region}.amazonaws.com` } },
    }));

    this.notifyFunction = new ApiFunction(this, 'Notify', {
      ...functionDefaults,
      entry: handlerEntry('breach-notify'),
      description: 'Retries breach notifications that could not be sent when the breach was reported',
      timeout: NOTIFY_TIMEOUT,
      reservedConcurrentExecutions: 2,
    });
    const notifyRole = this.notifyFunction.role;
    register.grantRecordRead(notifyRole);
    register.grantNotificationWrite(notifyRole);
    alertTopics.grantPublishToTenants(notifyRole);
    this.notifyFunction.function.addEventSource(new SqsEventSource(this.retryQueue, { batchSize: 5, reportBatchItemFailures: true }));

    this.unnotifiedBreachAlarm = new cloudwatch.Alarm(this, 'UnnotifiedBreach', {
      alarmDescription:
        'A STORED breach record could not be notified to its controller(s) after every retry: its message is in the ' +
        'breach notification dead-letter queue. Fix the cause (see the breach-notify function logs), then redrive the ' +
        'dead-letter queue into the retry queue; already-notified controllers are not notified twice.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.unnotifiedBreachAlarm.addAlarmAction(new SnsAction(alertTopics.operationsTopic));

    this.heldNoticeAlarm = this.alarmOnLogLine('HeldNotice', [this.reportFunction, this.notifyFunction], NOTICE_HELD, {
      metricName: 'NoticesHeldWithoutConfirmedSubscription',
      description:
        "A breach notice was held back: the controller's breach topic has no confirmed subscription, so SNS would have " +
        'accepted it and delivered it to nobody. It stays pending (retried, then dead-lettered). Have the controller ' +
        'confirm the subscription (with AuthenticateOnUnsubscribe), then redrive.',
    });
    this.heldNoticeAlarm.addAlarmAction(new SnsAction(alertTopics.operationsTopic));

    this.deliveryCheckFunction = new ApiFunction(this, 'DeliveryCheck', {
      entry: handlerEntry('breach-delivery-check'),
      description: 'Checks on a schedule that every breach topic has confirmed, authenticated subscriptions',
      retentionDays: props.retentionDays,
      logEncryptionKey: props.logEncryptionKey,
      memorySize: 256,
      timeout: Duration.minutes(1),
      reservedConcurrentExecutions: 1,
      environment: {
        [BREACH_ENV.tenantIds]: alertTopics.tenantIds.join(','),
        [BREACH_ENV.topicArnPrefix]: alertTopics.tenantTopicArnPrefix,
        [OPERATIONS_TOPIC_ENV]: alertTopics.operationsTopic.topicArn,
      },
    });
    alertTopics.grantDeliveryCheck(this.deliveryCheckFunction.role);
    new events.Rule(this, 'DeliveryCheckSchedule', {
      description: 'Runs the breach notice delivery check',
      schedule: props.deliveryCheckSchedule ?? events.Schedule.rate(Duration.days(1)),
      targets: [new targets.LambdaFunction(this.deliveryCheckFunction.function, { retryAttempts: 2 })],
    });
    this.deliveryCheckAlarm = this.alarmOnLogLine('DeliveryCheckFailed', [this.deliveryCheckFunction], DELIVERY_CHECK_FAILED, {
      metricName: 'TopicsThatMayNotDeliver',
      description:
        'The scheduled delivery check found a breach topic without a confirmed subscription, with subscriptions still ' +
        'pending, or with subscriptions an unsubscribe link can remove (not confirmed with AuthenticateOnUnsubscribe). ' +
        'Its log (breach-delivery-check) names the topics and the remedy.',
    });
    this.deliveryCheckAlarm.addAlarmAction(new SnsAction(alertTopics.operationsTopic));
  }

  /** A metric filter on each function's log for one log message, and an alarm on their sum. */
  private alarmOnLogLine(id: string, functions: readonly ApiFunction[], message: string, what: { metricName: string; description: string }): cloudwatch.Alarm {
    const metric = { metricNamespace: BREACH_DELIVERY_NAMESPACE, metricName: what.metricName, metricValue: '1' };
    for (const fn of functions) {
      new logs.MetricFilter(this, `${id}-${fn.node.id}`, {
        ...metric,
        logGroup: fn.logGroup.logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', message),
      });
    }
    return new cloudwatch.Alarm(this, id, {
      alarmDescription: what.description,
      metric: new cloudwatch.Metric({ namespace: metric.metricNamespace, metricName: metric.metricName, period: Duration.minutes(1), statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
