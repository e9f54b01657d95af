import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ERASURE_NOT_CONFIRMED_LOG_MESSAGE } from '../../lambdas/visitor-data/visitor-data-api.js';

export interface ErasureConfirmationAlarmProps {
  /** The visitor-data function's log group. */
  readonly visitorDataLogs: logs.ILogGroup;
  /** The processor's operations topic. */
  readonly operationsTopic: sns.ITopic;
}

export const DATA_SUBJECTS_NAMESPACE = 'EuIpEnrichment/DataSubjects';

/**
 * Tells operations when an erasure was carried out but its written confirmation did not reach the
 * controller: the controller must then hear of it by other means (the log line names tenant and
 * reference, never the address).
 */
export class ErasureConfirmationAlarm extends Construct {
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ErasureConfirmationAlarmProps) {
    super(scope, id);
    const unconfirmed = new logs.MetricFilter(this, 'Unconfirmed', {
      logGroup: props.visitorDataLogs,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', ERASURE_NOT_CONFIRMED_LOG_MESSAGE),
      metricNamespace: DATA_SUBJECTS_NAMESPACE,
      metricName: 'ErasuresNotConfirmed',
      metricValue: '1',
    });
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmDescription:
        'An erasure was carried out but its confirmation did not reach the controller\'s request topic. Confirm it to the ' +
        `controller by other means: the visitor-data log line "${ERASURE_NOT_CONFIRMED_LOG_MESSAGE}" names the tenant and the request reference.`,
      metric: unconfirmed.metric({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new SnsAction(props.operationsTopic));
  }
}
