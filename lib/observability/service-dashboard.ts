import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE } from '../../lambdas/shared/metrics/service-metrics.js';

/** An API function on the dashboard, with the concurrency reserved for it (its ceiling). */
export interface WatchedFunction {
  readonly function: lambda.IFunction;
  readonly reservedConcurrency: number;
  /** Whether it looks addresses up (counts Lookups and LookupsWithoutRecord). */
  readonly looksUp: boolean;
}

export interface ServiceDashboardProps {
  readonly api: apigw.RestApi;
  /** By the service name its metrics carry (the `service` dimension: enrich, visits, …). */
  readonly functions: Readonly<Record<string, WatchedFunction>>;
  readonly table: dynamodb.ITable;
  /** Alarms go here: the processor's operations team. */
  readonly operationsTopic: sns.ITopic;
  /** Share of lookups without a record above which the database is suspect. @default 0.5 */
  readonly lookupsWithoutRecordRate?: number;
  /** Share of a function's reserved concurrency above which it is close to refusing requests. @default 0.8 */
  readonly concurrencyUtilisation?: number;
}

const FIVE_MINUTES = Duration.minutes(5);
const serviceMetric = (name: string, service: string, statistic = 'Sum') =>
  new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service }, statistic, period: FIVE_MINUTES });
const search = (label: string, expression: string) => new cloudwatch.MathExpression({ expression, label, period: FIVE_MINUTES });

/**
 * One CloudWatch dashboard for the operator — traffic per tenant, what the functions count (visits
 * stored or not per classification, lookups without a record, cold starts), function concurrency
 * against its reservation, DynamoDB capacity and throttling — and alarms to the operations topic on
 * what signals trouble: the table throttling (callers get 503s), a function near its reserved
 * concurrency (it will refuse requests: raise the reservation), and most lookups finding no record
 * (a wrong or broken database).
 */
export class ServiceDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const action = new SnsAction(props.operationsTopic);
    const alarm = (alarmId: string, alarmProps: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, alarmId, { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...alarmProps });
      created.addAlarmAction(action);
      this.alarms.push(created);
    };

    const tableThrottles = new cloudwatch.MathExpression({
      expression: 'reads + writes',
      label: 'Throttled reads and writes',
      period: Duration.minutes(1),
      usingMetrics: {
        reads: props.table.metric('ReadThrottleEvents', { statistic: 'Sum', period: Duration.minutes(1) }),
        writes: props.table.metric('WriteThrottleEvents', { statistic: 'Sum', period: Duration.minutes(1) }),
      },
    });
    alarm('VisitsTableThrottled', {
      alarmDescription: 'DynamoDB throttled the visits table for 3 of 5 minutes: callers are answered 503. Check hot partitions (visitShards) and on-demand table limits.',
      metric: tableThrottles,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });

    const withoutRecordRate = props.lookupsWithoutRecordRate ?? 0.5;
    const lookingUp = Object.entries(props.functions).filter(([, watched]) => watched.looksUp).map(([service]) => service);
    const usingMetrics = Object.fromEntries(
      lookingUp.flatMap((service, i) => [
        [`lookups${i}`, serviceMetric(METRIC.lookups, service)],
        [`missing${i}`, serviceMetric(METRIC.lookupsWithoutRecord, service)],
      ]),
    );
    const sumOf = (prefix: string) => lookingUp.map((_, i) => `FILL(${prefix}${i}, 0)`).join(' + ');
    alarm('LookupsWithoutRecord', {
      alarmDescription: `More than ${withoutRecordRate * 100}% of lookups found no record for 15 minutes: the deployed database may be wrong, empty or broken.`,
      metric: new cloudwatch.MathExpression({
        // Below 100 lookups in 5 minutes the share says little: no alarm.
        expression: `IF((${sumOf('lookups')}) > 100, (${sumOf('missing')}) / (${sumOf('lookups')}), 0)`,
        label: 'Share of lookups without a record',
        period: FIVE_MINUTES,
        usingMetrics,
      }),
      threshold: withoutRecordRate,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
    });

    const utilisation = props.concurrencyUtilisation ?? 0.8;
    for (const [service, watched] of Object.entries(props.functions)) {
      alarm(`${service}-NearReservedConcurrency`, {
        alarmDescription:
          `The ${service} function used more than ${utilisation * 100}% of its ${watched.reservedConcurrency} reserved concurrent executions: ` +
          'at the reservation, requests are refused (throttled). Raise reservedConcurrency (and the account quota).',
        metric: watched.function.metric('ConcurrentExecutions', { statistic: 'Maximum', period: Duration.minutes(1) }),
        threshold: Math.floor(watched.reservedConcurrency * utilisation),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
      });
    }

    const functions = Object.entries(props.functions);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'API requests and errors',
            left: [props.api.metricCount({ period: FIVE_MINUTES }), props.api.metricClientError({ period: FIVE_MINUTES }), props.api.metricServerError({ period: FIVE_MINUTES })],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'API latency',
            left: ['p50', 'p99'].map((statistic) => props.api.metricLatency({ statistic, period: FIVE_MINUTES })),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Requests per tenant',
            left: [search('Requests per tenant', `SEARCH('{${METRICS_NAMESPACE},service,tenant} MetricName="${METRIC.requests}"', 'Sum', 300)`)],
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Visits stored and not stored, per classification',
            left: [search('Stored', `SEARCH('{${METRICS_NAMESPACE},service,classification} MetricName="${METRIC.visitsStored}"', 'Sum', 300)`)],
            right: [search('Not stored', `SEARCH('{${METRICS_NAMESPACE},service,classification} MetricName="${METRIC.visitsNotStored}"', 'Sum', 300)`)],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Lookups and lookups without a record',
            left: lookingUp.flatMap((service) => [serviceMetric(METRIC.lookups, service), serviceMetric(METRIC.lookupsWithoutRecord, service)]),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Cold starts',
            left: Object.keys(props.functions).map((service) => serviceMetric(METRIC.coldStart, service)),
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Concurrent executions (ceiling: reserved concurrency)',
            left: functions.map(([service, watched]) => watched.function.metric('ConcurrentExecutions', { statistic: 'Maximum', period: Duration.minutes(1), label: service })),
            leftAnnotations: functions.map(([service, watched]) => ({ value: watched.reservedConcurrency, label: `${service} reserved` })),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Function throttles and errors',
            left: functions.map(([service, watched]) => watched.function.metricThrottles({ period: FIVE_MINUTES, label: `${service} throttles` })),
            right: functions.map(([service, watched]) => watched.function.metricErrors({ period: FIVE_MINUTES, label: `${service} errors` })),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Visits table: consumed capacity and throttling',
            left: [props.table.metricConsumedWriteCapacityUnits({ period: Duration.minutes(1) }), props.table.metricConsumedReadCapacityUnits({ period: Duration.minutes(1) })],
            right: [tableThrottles],
            width: 8,
          }),
        ],
      ],
    });
  }
}
