import { Match, Template } from 'aws-cdk-lib/assertions';
import { ROUTE_BODY_LIMITS } from '../../lambdas/shared/http/body-limits.js';
import { API_ROUTES } from '../../lib/api/routes.js';
import type { CfnTrail } from 'aws-cdk-lib/aws-cloudtrail';
import { beforeAll, describe, expect, it } from 'vitest';
import { logRetentionWithin } from '../../lib/retention/log-retention.js';
import { buildTestApp } from './test-app.js';

let template: Template;
let built: ReturnType<typeof buildTestApp>;

beforeAll(() => {
  built = buildTestApp();
  template = Template.fromStack(built.enrichment);
}, 120_000);

describe('EnrichmentStack', () => {
  it('is pinned to eu-central-1 with the configured account', () => {
    expect(built.enrichment.region).toBe('eu-central-1');
    expect(built.enrichment.account).toBe('123456789012');
  });

  it('exposes a REGIONAL REST API only (no CloudFront edge)', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
  });

  it('runs every function on Node.js 24 / arm64 with the MMDB layer', () => {
    const functions = template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } });
    expect(Object.keys(functions).length).toBeGreaterThanOrEqual(2);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
  });

  it('gives the MMDB layer to every function that opens the database, and to no other', () => {
    const [layer, ...others] = Object.keys(template.findResources('AWS::Lambda::LayerVersion'));
    expect(others).toEqual([]);
    const functions = Object.entries(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } }));
    const opening = functions.filter(([, fn]) => fn.Properties.Environment?.Variables?.MMDB_PATH !== undefined);
    expect(opening.map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual(expect.arrayContaining(['EnrichFunction', 'VisitsFunction']));
    for (const [id, fn] of functions) {
      const opens = fn.Properties.Environment?.Variables?.MMDB_PATH !== undefined;
      expect(fn.Properties.Layers, id).toEqual(opens ? [{ Ref: layer }] : undefined);
      if (opens) expect(fn.Properties.Environment.Variables.MMDB_PATH, id).toBe('/opt/mmdb/database.mmdb');
    }
  });

  it('stores visits on demand, with PITR, a customer-managed key and TTL on expiresAt', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('gives every tenant its own API key and usage plan with throttling and quota', () => {
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 4); // an integration key and a data-subject-rights key each
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 4);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 20, BurstLimit: 40 },
      Quota: { Limit: 500000, Period: 'MONTH' },
    });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 50, BurstLimit: 100 },
      Quota: { Limit: 1000000, Period: 'MONTH' },
    });
  });

  it('requires an API key on every route but the public data-subject request, collector and snippet routes and the IAM-authorized operator route', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    const resourceOf = (path: string) => ({ Ref: built.enrichment.getLogicalId(built.enrichment.api.api.root.resourceForPath(path).node.defaultChild as never) });
    const keyless = methods.filter((m) => m.Properties.ApiKeyRequired !== true && m.Properties.AuthorizationType !== 'AWS_IAM');
    expect(keyless.map((m) => [m.Properties.HttpMethod, m.Properties.ResourceId, m.Properties.AuthorizationType])).toEqual(
      expect.arrayContaining([
        ['OPTIONS', resourceOf('/v1/data-subject-requests'), 'NONE'],
        ['POST', resourceOf('/v1/data-subject-requests'), 'NONE'],
        ['POST', resourceOf('/v1/collect'), 'NONE'],
        ['GET', resourceOf('/v1/snippet.js'), 'NONE'],
      ]),
    );
    expect(keyless).toHaveLength(4);
    expect(methods.filter((m) => m.Properties.ApiKeyRequired === true).length).toBeGreaterThanOrEqual(7);
    const operatorResource = built.enrichment.getLogicalId(built.enrichment.api.api.root.resourceForPath('/v1/operator/breaches').node.defaultChild as never);
    const signed = methods.filter((m) => m.Properties.AuthorizationType === 'AWS_IAM');
    expect(signed.map((m) => [m.Properties.HttpMethod, m.Properties.ResourceId, m.Properties.ApiKeyRequired])).toEqual([['POST', { Ref: operatorResource }, false]]);
  });

  it('throttles the public route harder than any tenant', () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!;
    expect(stage.Properties.MethodSettings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1v1~1data-subject-requests', ThrottlingRateLimit: 2, ThrottlingBurstLimit: 10 }),
      ]),
    );
  });

  it('maps API key ids to tenants for the functions', () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => f.Properties.Environment?.Variables?.TENANT_API_KEYS);
    const serialized = JSON.stringify(fn?.Properties.Environment.Variables.TENANT_API_KEYS);
    expect(serialized).toContain('\\":\\"acme\\"');
    expect(serialized).toContain('\\":\\"globex\\"');
  });

  it('keeps the caller IP and the request path out of the access log format', () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!;
    const format: string = stage.Properties.AccessLogSetting.Format;
    expect(format).toContain('$context.requestId');
    expect(format).not.toMatch(/sourceIp|\$context\.path|xForwardedFor|userAgent/i);
    expect(stage.Properties.MethodSettings).toEqual(
      expect.arrayContaining([expect.objectContaining({ DataTraceEnabled: false, LoggingLevel: 'ERROR' })]),
    );
  });

  it('gives every log group an expiry no longer than the data retention (the audit trail: the audit retention), encrypted with a CMK', () => {
    const cfnTrail = built.enrichment.auditTrail.trail.node.defaultChild as CfnTrail;
    const trailLogGroup = built.enrichment.resolve(cfnTrail.cloudWatchLogsLogGroupArn);
    const logGroups = Object.entries(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups.length).toBeGreaterThanOrEqual(5);
    for (const [logicalId, group] of logGroups) {
      const isTrailCopy = JSON.stringify(trailLogGroup).includes(`"${logicalId}"`);
      expect(group.Properties.RetentionInDays).toBe(logRetentionWithin(isTrailCopy ? 400 : 45));
      expect(group.Properties.KmsKeyId).toBeDefined();
    }
  });

  it('pre-creates the API Gateway execution log group so it never defaults to "never expire"', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', Match.arrayWith(['API-Gateway-Execution-Logs_'])] },
    });
  });

  it('validates bodies at the gateway with the OpenAPI request schemas, and requires path parameters', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Name: 'BatchRequest',
      Schema: Match.objectLike({ $schema: 'http://json-schema.org/draft-04/schema#', required: ['ips'], additionalProperties: false }),
    });
    template.hasResourceProperties('AWS::ApiGateway::Model', { Name: 'RecordVisitRequest', Schema: Match.objectLike({ required: ['siteId', 'pageUrl'] }) });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      RequestModels: { 'application/json': Match.anyValue() },
      RequestValidatorId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      RequestParameters: { 'method.request.path.ip': true },
    });
  });

  it('answers an unknown route with 404 NOT_FOUND, not a 403', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
      StatusCode: '404',
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"code":"NOT_FOUND"') },
    });
  });

  it('answers gateway-level errors in the JSON error shape', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'INVALID_API_KEY',
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"code":"INVALID_API_KEY"') },
    });
  });
});

describe('the public page-view collector', () => {
  const collect = () => built.enrichment.getLogicalId(built.enrichment.collectFunction.function.node.defaultChild as never);
  const collectFunction = () => template.toJSON().Resources[collect()].Properties;

  it('sends POST /v1/collect and GET /v1/snippet.js to the collect function, without API key or usage plan', () => {
    for (const [method, path] of [['POST', '/v1/collect'], ['GET', '/v1/snippet.js']] as const) {
      const resource = built.enrichment.getLogicalId(built.enrichment.api.api.root.resourceForPath(path).node.defaultChild as never);
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: method,
        ResourceId: { Ref: resource },
        ApiKeyRequired: false,
        AuthorizationType: 'NONE',
        Integration: Match.objectLike({ Type: 'AWS_PROXY', Uri: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.objectLike({ 'Fn::GetAtt': [collect(), 'Arn'] })])]) }) }),
      });
    }
  });

  it('throttles the collector and the snippet at the method level (all callers together)', () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!;
    expect(stage.Properties.MethodSettings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1v1~1collect', ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 }),
        expect.objectContaining({ HttpMethod: 'GET', ResourcePath: '/~1v1~1snippet.js', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
      ]),
    );
  });

  it('limits each client address on the collector route in the WAF, in a rule of its own scoped to that route', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'CollectorRatePerClientIp',
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: {
              AggregateKeyType: 'IP',
              Limit: 600,
              ScopeDownStatement: {
                ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'ENDS_WITH', SearchString: '/v1/collect', TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }] },
              },
            },
          },
          VisibilityConfig: Match.objectLike({ SampledRequestsEnabled: false }),
        }),
      ]),
    });
  });

  it('gives the collector its own reserved concurrency and the sites by publishable key, and no tenant API keys', () => {
    const properties = collectFunction();
    expect(properties.ReservedConcurrentExecutions).toBe(20);
    const variables = properties.Environment.Variables;
    expect(variables.TENANT_API_KEYS).toBeUndefined();
    expect(JSON.parse(variables.COLLECTOR_SITES)).toEqual({
      pk_acme_www_0123456789abcdef: {
        tenantId: 'acme',
        siteId: 'www.acme.example',
        allowedOrigins: ['https://www.acme.example'],
        honourGlobalPrivacyControl: true,
        honourDoNotTrack: true,
        pageViewsPerMinute: 300,
      },
    });
    // The visit pipeline's TTL, as the visits function's (retention less deletion delay and recovery window).
    expect(variables).toMatchObject({ VISIT_TTL_DAYS: String(built.enrichment.visits.itemTtlDays), MMDB_PATH: '/opt/mmdb/database.mmdb' });
    expect(variables.RETENTION_DAYS).toBeUndefined();
  });
});

describe('WAF on the API stage', () => {
  const rules = () => Object.values(template.findResources('AWS::WAFv2::WebACL'))[0]!.Properties.Rules as Array<Record<string, any>>;
  const ruleNamed = (name: string) => rules().find((rule) => rule.Name === name);
  const pathsOf = (scope: any): string[] =>
    (scope.OrStatement?.Statements ?? [scope]).map((s: any) => s.ByteMatchStatement.SearchString);

  it('rate-limits client IPs on the public routes only, and on every route only above the largest usage plan', () => {
    const publicRule = ruleNamed('RatePerClientIpOnPublicRoutes')!;
    expect(publicRule.Action).toEqual({ Block: {} });
    expect(publicRule.Statement.RateBasedStatement).toMatchObject({ AggregateKeyType: 'IP', Limit: 2000 });
    const publicPaths = [...new Set(API_ROUTES.filter((route) => route.authorisation === 'public').map((route) => route.path))];
    expect(publicPaths).toContain('/v1/data-subject-requests');
    expect(pathsOf(publicRule.Statement.RateBasedStatement.ScopeDownStatement)).toEqual(publicPaths);
    // acme: 20 rps, burst 40; globex: the defaults 50 rps, burst 100 → 50 × 300 + 100.
    expect(ruleNamed('RatePerClientIpBackstop')!.Statement.RateBasedStatement).toEqual({ AggregateKeyType: 'IP', Limit: 15_100 });
  });

  it('holds each route to its body limit, inspects bodies up to the largest, and lets the managed 8 KB body rule only count', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      AssociationConfig: { RequestBody: { API_GATEWAY: { DefaultSizeInspectionLimit: 'KB_64' } } },
      Rules: Match.arrayWith([
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: {
              VendorName: 'AWS',
              Name: 'AWSManagedRulesCommonRuleSet',
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            },
          },
        }),
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } } }),
      ]),
    });
    const limits = Object.fromEntries(
      rules()
        .filter((rule) => rule.Statement.AndStatement)
        .flatMap((rule) => {
          const [scope, size] = rule.Statement.AndStatement.Statements;
          expect(size.SizeConstraintStatement).toMatchObject({ ComparisonOperator: 'GT', FieldToMatch: { Body: { OversizeHandling: 'MATCH' } } });
          return pathsOf(scope).map((path) => [path, size.SizeConstraintStatement.Size]);
        }),
    );
    expect(limits).toEqual(ROUTE_BODY_LIMITS);
    const stage = built.enrichment.getLogicalId(built.enrichment.api.api.deploymentStage.node.defaultChild as never);
    expect(JSON.stringify(template.findResources('AWS::WAFv2::WebACLAssociation'))).toContain(stage);
  });

  it('keeps no sampled requests and logs only blocked requests', () => {
    const [acl] = Object.values(template.findResources('AWS::WAFv2::WebACL'));
    for (const rule of acl!.Properties.Rules) expect(rule.VisibilityConfig.SampledRequestsEnabled).toBe(false);
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      LoggingFilter: { DefaultBehavior: 'DROP', Filters: [Match.objectLike({ Behavior: 'KEEP', Conditions: [{ ActionCondition: { Action: 'BLOCK' } }] })] },
    });
  });
});

describe('audit trail', () => {
  it('records management events and the data events of the breach register and the visits table, with file validation', () => {
    const bucket = built.enrichment.getLogicalId(built.enrichment.breachRegister.bucket.node.defaultChild as never);
    const table = built.enrichment.getLogicalId(built.enrichment.visits.table.node.defaultChild as never);
    const [trail] = Object.values(template.findResources('AWS::CloudTrail::Trail'));
    expect(trail!.Properties).toMatchObject({ IsMultiRegionTrail: true, EnableLogFileValidation: true, IsLogging: true });
    expect(trail!.Properties.EventSelectors).toBeUndefined();
    const selectors = JSON.stringify(trail!.Properties.AdvancedEventSelectors);
    expect(selectors).toContain('"Equals":["Management"]');
    expect(selectors).toContain('"Equals":["AWS::S3::Object"]');
    expect(selectors).toContain(`"Fn::GetAtt":["${bucket}","Arn"]`);
    expect(selectors).toContain('"Equals":["AWS::DynamoDB::Table"]');
    expect(selectors).toContain(`"Fn::GetAtt":["${table}","Arn"]`);
  });

  it('delivers to a versioned Object Lock (COMPLIANCE) bucket encrypted with its own key, kept for the audit retention', () => {
    const trailBucket = built.enrichment.getLogicalId(built.enrichment.auditTrail.bucket.node.defaultChild as never);
    const bucket = template.toJSON().Resources[trailBucket];
    expect(bucket.Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 399 } } },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toMatchObject({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: expect.anything(),
    });
  });
});

describe('log retention', () => {
  it.each([
    [1, 1], [2, 1], [30, 30], [45, 30], [365, 365], [3650, 3288],
  ])('%i days of data retention keeps logs %i days', (days, expected) => {
    expect(logRetentionWithin(days)).toBe(expected);
  });
});

describe('data-subject requests and breach notices', () => {
  it('forwards data-subject requests to each tenant\'s request topic, never to its breach notice topic', () => {
    const stack = built.enrichment;
    const fn = stack.dataSubjectRequestsFunction.function;
    const env = JSON.stringify(template.toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as never)].Properties.Environment.Variables.TENANT_TOPIC_ARNS);
    for (const tenantId of stack.alertTopics.tenantIds) {
      expect(env).toContain(stack.getLogicalId(stack.alertTopics.requestTopic(tenantId).node.defaultChild as never));
      expect(env).not.toContain(stack.getLogicalId(stack.alertTopics.tenantTopic(tenantId).node.defaultChild as never));
    }
  });
});
