import { ArnFormat, Lazy, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { LARGEST_BODY_LIMIT, ROUTE_BODY_LIMITS } from '../../lambdas/shared/http/body-limits.js';
import { RetainedLogGroup } from '../retention/retained-log-group.js';

export interface ApiFirewallProps {
  readonly stage: apigw.Stage;
  /** WAF logs hold the client IP of blocked requests: same retention as all personal data. */
  readonly retentionDays: number;
  readonly logEncryptionKey: kms.IKey;
  /**
   * The routes anyone may call without a key (read when the template is synthesized, so routes added
   * later count too): only these are held to the per-IP rate limit. Tenants' servers are governed by
   * their usage plans instead, which allow far more than one visitor's browser needs.
   */
  readonly publicRoutes: PublicRoutes;
  /** Requests one client IP may send to the public routes in any 5-minute window before being blocked. @default 2000 */
  readonly requestsPerFiveMinutesPerIp?: number;
  /**
   * Requests one client IP may send to any route in 5 minutes: a backstop above every usage plan
   * (the highest plan's rate × 300 s plus its burst), so no tenant within its plan is ever blocked.
   */
  readonly backstopRequestsPerFiveMinutesPerIp: number;
  /** Largest body per route path, in bytes. @default ROUTE_BODY_LIMITS (the functions hold the same) */
  readonly bodyLimits?: Readonly<Record<string, number>>;
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

/** Where the public (keyless) routes are listed; EnrichmentApi keeps the list as routes are added. */
export interface PublicRoutes {
  readonly publicPaths: readonly string[];
}

/**
 * Parts of a blocked request the WAF log must not keep: the tenant's API key, the URI path (which
 * holds the address of /v1/enrich/{ip}), the query string, and headers in which clients, proxies and
 * browsers name addresses. The client IP of a blocked request stays: it is what identifies an attack,
 * and the log group keeps it only for the data retention.
 */
export const REDACTED_HEADERS = ['x-api-key', 'x-forwarded-for', 'forwarded', 'x-real-ip', 'true-client-ip', 'cf-connecting-ip', 'referer'] as const;

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: false, // sampled requests would keep client IPs in the WAF console
  metricName,
});

/** Rules of a managed group that only count: the web ACL enforces the same concern itself, per route. */
const COUNT_ONLY: Readonly<Record<string, readonly string[]>> = {
  // Blocks every body over 8 KB, whatever the route allows; the per-route body rules replace it.
  AWSManagedRulesCommonRuleSet: ['SizeRestrictions_BODY'],
};

const managedRuleGroup = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: {
    managedRuleGroupStatement: {
      vendorName: 'AWS',
      name,
      ruleActionOverrides: COUNT_ONLY[name]?.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
    },
  },
  visibilityConfig: visibility(name),
});

/** A URI path (with or without the stage prefix, percent-decoded) that ends with one of `paths`. */
function pathIsOneOf(paths: readonly string[]): wafv2.CfnWebACL.StatementProperty {
  const matches = paths.map((path): wafv2.CfnWebACL.StatementProperty => ({
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'ENDS_WITH',
      searchString: path,
      textTransformations: [{ priority: 0, type: 'URL_DECODE' }],
    },
  }));
  if (matches.length === 0) throw new Error('ApiFirewall: a path scope needs at least one path');
  return matches.length === 1 ? matches[0]! : { orStatement: { statements: matches } };
}

const bodyLargerThan = (bytes: number): wafv2.CfnWebACL.StatementProperty => ({
  sizeConstraintStatement: {
    // A body beyond what WAF inspects counts as too large: nothing slips through uninspected.
    fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
    comparisonOperator: 'GT',
    size: bytes,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
});

/** AWS WAF inspects up to 64 KB of a body for API Gateway, in steps of 16 KB. */
function inspectionLimit(bytes: number): string {
  const steps = Math.ceil(bytes / (16 * 1024));
  if (steps > 4) throw new Error(`ApiFirewall: a body limit of ${bytes} bytes is beyond the 64 KB AWS WAF can inspect`);
  return `KB_${Math.max(1, steps) * 16}`;
}

/**
 * A regional WAFv2 web ACL on the API stage: a per-IP rate limit on the public routes and a higher
 * backstop on all, AWS common and known-bad-inputs rule sets, and each route's body limit (the one its
 * function enforces). Only blocked requests are logged (data minimisation), without the API key, the
 * path, the query string or forwarding headers, to a log group with the data retention.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logs: RetainedLogGroup;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const bodyLimits = props.bodyLimits ?? ROUTE_BODY_LIMITS;
    const largestBody = Math.max(LARGEST_BODY_LIMIT, ...Object.values(bodyLimits));
    const pathsByLimit = new Map<number, string[]>();
    for (const [path, bytes] of Object.entries(bodyLimits)) pathsByLimit.set(bytes, [...(pathsByLimit.get(bytes) ?? []), path]);
    const bodyRules = [...pathsByLimit].map(([bytes, paths], i): wafv2.CfnWebACL.RuleProperty => ({
      name: `BodyOver${bytes}Bytes`,
      priority: 2 + i,
      action: { block: {} },
      statement: { andStatement: { statements: [pathIsOneOf(paths), bodyLargerThan(bytes)] } },
      visibilityConfig: visibility(`BodyOver${bytes}Bytes`),
    }));
    const managedPriority = 2 + bodyRules.length;
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('EnrichmentApi'),
      associationConfig: { requestBody: { API_GATEWAY: { defaultSizeInspectionLimit: inspectionLimit(largestBody) } } },
      rules: [
        {
          name: 'RatePerClientIpOnPublicRoutes',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.requestsPerFiveMinutesPerIp ?? 2000,
              scopeDownStatement: Lazy.any({ produce: () => pathIsOneOf(props.publicRoutes.publicPaths) }),
            },
          },
          visibilityConfig: visibility('RatePerClientIpOnPublicRoutes'),
        },
        {
          name: 'RatePerClientIpBackstop',
          priority: 1,
          action: { block: {} },
          statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: props.backstopRequestsPerFiveMinutesPerIp } },
          visibilityConfig: visibility('RatePerClientIpBackstop'),
        },
        ...bodyRules,
        {
          name: 'BodyOverLargestLimit',
          priority: managedPriority,
          action: { block: {} },
          statement: bodyLargerThan(largestBody),
          visibilityConfig: visibility('BodyOverLargestLimit'),
        },
        managedRuleGroup('AWSManagedRulesCommonRuleSet', managedPriority + 1),
        managedRuleGroup('AWSManagedRulesKnownBadInputsRuleSet', managedPriority + 2),
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
      redactedFields: [
        ...REDACTED_HEADERS.map((name) => ({ singleHeader: { Name: name } })),
        { uriPath: {} },
        { queryString: {} },
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
