import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SEARCHED_LOG_MESSAGE } from '../../lambdas/visitor-data/visitor-data-api.js';
import type { SuspectedIncidentSignal } from '../breach/operational-alarms.js';

export interface MisuseSignalsProps {
  /** The visitor-data function's log group: its search log lines say how many visits were found. */
  readonly visitorDataLogs: logs.ILogGroup;
  /** Searches that find nothing, per hour across all tenants, above which operations is alerted. @default 20 */
  readonly emptySearchesPerHour?: number;
}

export const MISUSE_NAMESPACE = 'EuIpEnrichment/Misuse';

/**
 * Signals of someone probing for personal data, for the operations alarms: bursts of access searches
 * that find nothing (addresses tried one by one, with a leaked or misused rights key). Reads of a
 * pseudonym secret by anyone but its functions are the audit trail's detector PseudonymKeyReadByOther
 * (lib/audit/trail-detectors.ts).
 */
export class MisuseSignals extends Construct {
  readonly signals: SuspectedIncidentSignal[];

  constructor(scope: Construct, id: string, props: MisuseSignalsProps) {
    super(scope, id);
    const emptySearches = new logs.MetricFilter(this, 'EmptySearches', {
      logGroup: props.visitorDataLogs,
      filterPattern: logs.FilterPattern.all(
        logs.FilterPattern.stringValue('$.message', '=', SEARCHED_LOG_MESSAGE),
        logs.FilterPattern.numberValue('$.visits', '=', 0),
      ),
      metricNamespace: MISUSE_NAMESPACE,
      metricName: 'VisitorDataSearchesWithoutResult',
      metricValue: '1',
    });
    const threshold = props.emptySearchesPerHour ?? 20;
    this.signals = [
      {
        id: 'EmptyVisitorDataSearches',
        what: `More than ${threshold} access searches by IP address found nothing within an hour: someone may be trying addresses one by one.`,
        metric: emptySearches.metric({ period: Duration.hours(1), statistic: cloudwatch.Stats.SUM }),
        threshold,
      },
    ];
  }
}
