import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BREACH_ENV } from '../../lambdas/breach-shared/breach-environment.js';
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
}

const handlerEntry = (name: string) => fileURLToPath(new URL(`../../lambdas/${name}/handler.ts`, import.meta.url));
const NOTIFY_TIMEOUT = Duration.seconds(30);

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
  }
}
