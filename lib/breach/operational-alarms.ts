import { Duration, Names, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { filterPatternOf, type TrailDetector } from '../audit/trail-detectors.js';
import type { BreachAlertTopics } from './breach-alert-topics.js';
import type { BreachRegister } from './breach-register.js';
import { acknowledgeGrantPolicies } from './grant-policies.js';

/** A metric that signals a suspected incident when it exceeds its threshold (evaluated once per period). */
export interface SuspectedIncidentSignal {
  readonly id: string;
  /** What happened, for the alarm description. */
  readonly what: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
}

export interface OperationalAlarmsProps {
  /** Alarms go to its operations topic, and structurally cannot go to a controller's topic. */
  readonly alertTopics: BreachAlertTopics;
  /** The API whose server-error rate is watched. */
  readonly api?: apigw.RestApiBase;
  /** Functions whose errors and throttles are watched. */
  readonly functions?: readonly lambda.IFunction[];
  /** Dead-letter queues whose depth is watched (the breach notification DLQ has its own alarm). */
  readonly deadLetterQueues?: readonly sqs.IQueue[];
  /** The breach register whose protections are watched for changes (bucket policy, lock, key). */
  readonly register?: BreachRegister;
  /** Further signals (e.g. misuse of the rights capability or of the pseudonym secrets). */
  readonly signals?: readonly SuspectedIncidentSignal[];
  /** The audit trail's log group and the CloudTrail events in it that are suspected incidents. */
  readonly trail?: { readonly logGroup: logs.ILogGroup; readonly detectors: readonly TrailDetector[] };
  /**
   * Share of API requests answered with a 5xx that counts as a suspected incident.
   * @default 0.05
   */
  readonly serverErrorRate?: number;
}

const FIVE_MINUTES = Duration.minutes(5);
/** Namespace of the metrics counting suspicious CloudTrail events. */
export const TRAIL_METRIC_NAMESPACE = 'EuEnrichment/SuspectedIncidents';
const SUSPECTED =
  'SUSPECTED INCIDENT, not a confirmed breach: for the processor operations team only, never to be forwarded to ' +
  'controllers as such. Investigate; if personal data was in fact affected, report the breach with ' +
  '`npm run breach -- report <file>`, which alone notifies the controllers.';

/**
 * Automatic signals (API server errors, function errors and throttles, dead letters, changes to the
 * breach register's protections) are suspected incidents: they alert the processor's operations team
 * and nobody else. Only a breach an operator confirms and reports reaches a controller (agreement:
 * report what actually happened).
 */
export class OperationalAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, private readonly props: OperationalAlarmsProps) {
    super(scope, id);
    this.action = new SnsAction(props.alertTopics.operationsTopic);
    if (props.api) {
      this.suspect('ApiServerErrors', `The API ${props.api.restApiName} answered more than ${(props.serverErrorRate ?? 0.05) * 100}% of requests with a 5xx.`, {
        metric: props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Average' }),
        threshold: props.serverErrorRate ?? 0.05,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      });
    }
    for (const fn of props.functions ?? []) {
      const name = Names.nodeUniqueId(fn.node);
      this.suspect(`${name}-Errors`, `The function ${fn.node.path} failed (Lambda Errors > 0).`, {
        metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 0,
        evaluationPeriods: 1,
      });
      this.suspect(`${name}-Throttles`, `The function ${fn.node.path} was throttled (requests refused at its concurrency limit).`, {
        metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 0,
        evaluationPeriods: 1,
      });
    }
    for (const queue of props.deadLetterQueues ?? []) {
      this.suspect(`${Names.nodeUniqueId(queue.node)}-Depth`, `Messages reached the dead-letter queue ${queue.node.path}.`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 0,
        evaluationPeriods: 1,
      });
    }
    for (const signal of props.signals ?? []) {
      this.suspect(signal.id, signal.what, { metric: signal.metric, threshold: signal.threshold, evaluationPeriods: 1 });
    }
    if (props.register) this.watchRegisterProtections(props.register);
    if (props.trail) this.watchTrail(props.trail.logGroup, props.trail.detectors);
  }

  /** One metric filter on the trail's log group and one alarm per detector. */
  private watchTrail(logGroup: logs.ILogGroup, detectors: readonly TrailDetector[]): void {
    for (const detector of detectors) {
      const filter = new logs.MetricFilter(this, `Trail-${detector.id}`, {
        logGroup,
        filterPattern: logs.FilterPattern.literal(filterPatternOf(detector)),
        metricNamespace: TRAIL_METRIC_NAMESPACE,
        metricName: detector.id,
        metricValue: '1',
      });
      this.suspect(`Trail-${detector.id}-Alarm`, detector.what, {
        metric: filter.metric({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: detector.threshold ?? 0,
        evaluationPeriods: 1,
      });
    }
  }

  private suspect(id: string, what: string, options: Omit<cloudwatch.AlarmProps, 'alarmDescription' | 'comparisonOperator' | 'treatMissingData'>): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...options,
      alarmDescription: `${what} ${SUSPECTED}`,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
  }

  /**
   * Object Lock stops deletion whatever the policies say; what an administrator can still do is
   * loosen the bucket policy or go after the key. Any such call (recorded by CloudTrail) alerts operations.
   */
  /** EventBridge publishes as this account-bound role, so the topic policy need not trust the events service at large. */
  private eventPublisherRole(): iam.Role {
    const { account, region } = Stack.of(this);
    const role = new iam.Role(this, 'AlertPublisher', {
      description: 'Lets this account\'s EventBridge rules publish suspected incidents to the operations topic',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': account } }),
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.props.alertTopics.operationsTopic.topicArn] }));
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [this.props.alertTopics.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `sns.${region}.amazonaws.com` } },
    }));
    acknowledgeGrantPolicies(role);
    return role;
  }

  private watchRegisterProtections(register: BreachRegister): void {
    const target = new targets.SnsTopic(this.props.alertTopics.operationsTopic, {
      authorizeUsingRole: true,
      role: this.eventPublisherRole().withoutPolicyUpdates(),
    });
    const cloudTrailCall = (source: string, detail: Record<string, unknown>): events.EventPattern => ({
      source: [source],
      detailType: ['AWS API Call via CloudTrail'],
      detail,
    });
    new events.Rule(this, 'RegisterBucketProtectionChanged', {
      description: `Breach register bucket policy, lock, lifecycle or legal hold changed. ${SUSPECTED}`.slice(0, 512),
      eventPattern: cloudTrailCall('aws.s3', {
        eventName: ['PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketObjectLockConfiguration', 'PutBucketLifecycle', 'PutBucketVersioning', 'PutObjectLegalHold'],
        requestParameters: { bucketName: [register.bucket.bucketName] },
      }),
      targets: [target],
    });
    new events.Rule(this, 'RegisterKeyProtectionChanged', {
      description: `Breach register key policy changed, or key deletion or disabling attempted. ${SUSPECTED}`.slice(0, 512),
      eventPattern: cloudTrailCall('aws.kms', {
        eventName: ['PutKeyPolicy', 'ScheduleKeyDeletion', 'DisableKey'],
        resources: { ARN: [register.encryptionKey.keyArn] },
      }),
      targets: [target],
    });
  }
}
