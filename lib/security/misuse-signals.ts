import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SEARCHED_LOG_MESSAGE } from '../../lambdas/visitor-data/visitor-data-api.js';
import { AuditTrail } from '../audit/audit-trail.js';
import type { SuspectedIncidentSignal } from '../breach/operational-alarms.js';
import { pseudonymSecretName } from '../enrichment/pseudonym-key.js';

export interface MisuseSignalsProps {
  /** The visitor-data function's log group: its search log lines say how many visits were found. */
  readonly visitorDataLogs: logs.ILogGroup;
  /** The audit trail's CloudWatch Logs copy (every management call, reads included). */
  readonly auditTrail: AuditTrail;
  /** The roles whose reads of the pseudonym secrets are expected (the functions that pseudonymise). */
  readonly pseudonymSecretReaders: readonly iam.IRole[];
  /** Searches that find nothing, per hour across all tenants, above which operations is alerted. @default 20 */
  readonly emptySearchesPerHour?: number;
}

export const MISUSE_NAMESPACE = 'EuIpEnrichment/Misuse';

/**
 * Signals of someone probing for personal data, for the operations alarms: bursts of access searches
 * that find nothing (addresses tried one by one, with a leaked or misused rights key), and any read of a
 * pseudonym secret by a principal other than the functions that need it (the break-glass role included:
 * its use must be noticed).
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
    const secretPattern = `*${pseudonymSecretName(Stack.of(this).stackName, '*')}`;
    const foreignReads = new logs.MetricFilter(this, 'ForeignSecretReads', {
      logGroup: props.auditTrail.logGroup,
      filterPattern: logs.FilterPattern.all(
        logs.FilterPattern.stringValue('$.eventSource', '=', 'secretsmanager.amazonaws.com'),
        logs.FilterPattern.stringValue('$.eventName', '=', 'GetSecretValue'),
        logs.FilterPattern.stringValue('$.requestParameters.secretId', '=', secretPattern),
        ...props.pseudonymSecretReaders.map((role) => logs.FilterPattern.stringValue('$.userIdentity.arn', '!=', `${AuditTrail.sessionArnPrefix(role)}*`)),
      ),
      metricNamespace: MISUSE_NAMESPACE,
      metricName: 'PseudonymSecretReadsByOthers',
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
      {
        id: 'PseudonymSecretReadByOthers',
        what: 'A pseudonym secret was read (or a read was attempted) by a principal other than the visits and visitor-data functions.',
        metric: foreignReads.metric({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 0,
      },
    ];
  }
}
