import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { RetainedLogGroup } from '../retention/retained-log-group.js';

export interface ApiFirewallProps {
  readonly stage: apigw.Stage;
  /** WAF logs hold the client IP of blocked requests: same retention as all personal data. */
  readonly retentionDays: number;
  readonly logEncryptionKey: kms.IKey;
  /** Requests one client IP may send in any 5-minute window before being blocked. @default 2000 */
  readonly requestsPerFiveMinutesPerIp?: number;
  /** Largest request body accepted, in bytes. @default 16384 (a 100-IP batch is ~5 KB) */
  readonly maxBodyBytes?: number;
  /** A tighter per-IP limit on the public page-view collector; absent: no such rule. */
  readonly collector?: CollectorRateLimit;
}

export interface CollectorRateLimit {
  /** The collector's resource path, e.g. /v1/collect (matched as the end of the request's URI path). */
  readonly path: string;
  /** Page views one client address may report in any 5-minute window (a whole office shares one address). */
  readonly requestsPerFiveMinutesPerIp: number;
}

/** Priority of the collector's rule: after the web ACL's own rules, whatever their number. */
const COLLECTOR_RULE_PRIORITY = 10;

/**
 * A beacon is one request per page view: a person browsing makes a few a minute, an office behind one
 * address a few hundred in five minutes. Counted and blocked on the collector route only, so it never
 * spends another route's budget.
 */
function collectorRateRule(collector: CollectorRateLimit): wafv2.CfnWebACL.RuleProperty {
  return {
    name: 'CollectorRatePerClientIp',
    priority: COLLECTOR_RULE_PRIORITY,
    action: { block: {} },
    statement: {
      rateBasedStatement: {
        aggregateKeyType: 'IP',
        limit: collector.requestsPerFiveMinutesPerIp,
        scopeDownStatement: {
          byteMatchStatement: {
            fieldToMatch: { uriPath: {} },
            positionalConstraint: 'ENDS_WITH',
            searchString: collector.path,
            textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
          },
        },
      },
    },
    visibilityConfig: visibility('CollectorRatePerClientIp'),
  };
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: false, // sampled requests would keep client IPs in the WAF console
  metricName,
});

const managedRuleGroup = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
  visibilityConfig: visibility(name),
});

/**
 * A regional WAFv2 web ACL on the API stage: per-IP rate limit, AWS common and known-bad-inputs rule
 * sets, a request-body size limit. Only blocked requests are logged (data minimisation), to a log
 * group with the data retention.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logs: RetainedLogGroup;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const maxBodyBytes = props.maxBodyBytes ?? 16_384;
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('EnrichmentApi'),
      rules: [
        {
          name: 'RatePerClientIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: props.requestsPerFiveMinutesPerIp ?? 2000 } },
          visibilityConfig: visibility('RatePerClientIp'),
        },
        {
          name: 'BodyTooLarge',
          priority: 1,
          action: { block: {} },
          statement: {
            sizeConstraintStatement: {
              fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
              comparisonOperator: 'GT',
              size: maxBodyBytes,
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
          visibilityConfig: visibility('BodyTooLarge'),
        },
        managedRuleGroup('AWSManagedRulesCommonRuleSet', 2),
        managedRuleGroup('AWSManagedRulesKnownBadInputsRuleSet', 3),
        ...(props.collector ? [collectorRateRule(props.collector)] : []),
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    this.logs = new RetainedLogGroup(this, 'Logs', {
      retentionDays: props.retentionDays,
      encryptionKey: props.logEncryptionKey,
      // WAF only delivers to log groups whose name starts with aws-waf-logs-.
      logGroupName: `aws-waf-logs-${Stack.of(this).stackName}`,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group ARN without the trailing ':*' that LogGroup.logGroupArn carries.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: this.logs.logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }],
          },
        ],
      },
    });
  }
}
