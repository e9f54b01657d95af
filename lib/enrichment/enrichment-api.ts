import { Fn, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { TenantConfig } from '../config/app-config.js';
import { RetainedLogGroup } from '../retention/retained-log-group.js';
import { addJsonGatewayErrors } from './gateway-errors.js';
import { API_ROUTES, type ApiRoute, type RouteAuthorisation, type RouteFunction, type RouteThrottle } from '../api/routes.js';
import { requestModel } from './request-models.js';

export const STAGE_NAME = 'live';

/**
 * The data-subject-rights capability of each tenant (access and erasure by IP address): its own key in
 * a usage plan of its own, at most this many calls a day and one a second, so nobody holding it, the
 * tenant included, can sweep an address range; a real request needs a handful of calls.
 */
export const RIGHTS_PLAN = { dailyQuota: 100, rateLimit: 1, burstLimit: 5 } as const;

/** Usage plan names, `<stack>-<tenant>` and `<stack>-<tenant>-data-subject-rights`: the offboarding tool finds a tenant's keys through them. */
export const usagePlanName = (stackName: string, tenantId: string) => `${stackName}-${tenantId}`;
export const rightsUsagePlanName = (stackName: string, tenantId: string) => `${stackName}-${tenantId}-data-subject-rights`;

export interface EnrichmentApiProps {
  readonly tenants: readonly TenantConfig[];
  readonly retentionDays: number;
  readonly logEncryptionKey: kms.IKey;
}

/**
 * The REST API: REGIONAL endpoint only (an edge-optimized endpoint would route through CloudFront
 * points of presence worldwide), one API key and usage plan per tenant, access logs without the
 * caller's IP, JSON errors for everything the gateway answers itself.
 */
export class EnrichmentApi extends Construct {
  readonly api: apigw.RestApi;
  readonly accessLogs: RetainedLogGroup;
  readonly executionLogs: RetainedLogGroup;
  /** Checks path/query parameters and bodies against the method's models before any function runs. */
  readonly requestValidator: apigw.RequestValidator;
  /** API Gateway key id → tenant id, for the functions to map a call to its tenant. */
  private readonly apiKeyTenants: Array<{ keyId: string; tenantId: string }> = [];
  /** The same for the data-subject-rights keys (the visitor-data function's only keys). */
  private readonly rightsKeyTenants: Array<{ keyId: string; tenantId: string }> = [];
  /** Paths of the routes anyone may call (no key, no IAM): the web ACL's per-IP rate limit covers exactly these. */
  readonly publicPaths: string[] = [];

  constructor(scope: Construct, id: string, props: EnrichmentApiProps) {
    super(scope, id);
    this.accessLogs = new RetainedLogGroup(this, 'AccessLogs', {
      retentionDays: props.retentionDays,
      encryptionKey: props.logEncryptionKey,
    });

    this.api = new apigw.RestApi(this, 'Api', {
      description: 'IP-to-company enrichment (EU-only processing)',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      apiKeySourceType: apigw.ApiKeySourceType.HEADER,
      disableExecuteApiEndpoint: false,
      cloudWatchRole: true,
      deployOptions: {
        stageName: STAGE_NAME,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Request/response bodies carry visitor IPs: never copy them into execution logs.
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: false,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs.logGroup),
        accessLogFormat: accessLogWithoutClientAddress(),
      },
    });
    // API Gateway creates this group itself, with no expiry, unless it already exists.
    this.executionLogs = new RetainedLogGroup(this, 'ExecutionLogs', {
      retentionDays: props.retentionDays,
      encryptionKey: props.logEncryptionKey,
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${STAGE_NAME}`,
    });
    this.api.deploymentStage.node.addDependency(this.executionLogs);
    addJsonGatewayErrors(this.api);
    this.requestValidator = this.api.addRequestValidator('RequestValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    acknowledgeApiFindings(this.api);

    for (const tenant of props.tenants) this.addTenant(tenant);
  }

  /**
   * Adds every route of the manifest (lib/api/routes.ts), each integrated with its function: API key
   * routes under the tenants' usage plans, IAM routes for operators' SigV4 signatures, public routes
   * with their method-level throttle. Path parameters are required; a request schema becomes the
   * method's request model.
   */
  addRoutes(functions: Readonly<Record<RouteFunction, lambda.IFunction>>): void {
    for (const route of API_ROUTES) this.addRoute(route, functions[route.function]);
  }

  private addRoute(route: ApiRoute, fn: lambda.IFunction): apigw.Method {
    if (route.authorisation === 'public' && !this.publicPaths.includes(route.path)) this.publicPaths.push(route.path);
    const pathParameters = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [`method.request.path.${name}`, true]);
    const method = this.api.root.resourceForPath(route.path).addMethod(route.method, new apigw.LambdaIntegration(fn, { proxy: true }), {
      apiKeyRequired: route.authorisation === 'apiKey',
      authorizationType: route.authorisation === 'iam' ? apigw.AuthorizationType.IAM : apigw.AuthorizationType.NONE,
      requestValidator: this.requestValidator,
      requestParameters: pathParameters.length > 0 ? Object.fromEntries(pathParameters) : undefined,
      requestModels: route.requestSchema ? { 'application/json': requestModel(this.api, route.requestSchema) } : undefined,
    });
    if (route.throttle) this.throttleMethod(route, route.throttle);
    const findings = route.publicBecause
      ? [{ id: 'AwsSolutions-APIG4', reason: route.publicBecause }, { id: 'AwsSolutions-COG4', reason: route.publicBecause }]
      : AUTHORISATION_FINDINGS[route.authorisation];
    Validations.of(method).acknowledge(...findings);
    return method;
  }

  private throttleMethod(route: ApiRoute, throttle: RouteThrottle): void {
    const stage = this.api.deploymentStage.node.defaultChild as apigw.CfnStage;
    stage.methodSettings = [
      ...(stage.methodSettings as apigw.CfnStage.MethodSettingProperty[]),
      {
        httpMethod: route.method,
        resourcePath: `/${route.path.replace(/\//g, '~1')}`,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
      },
    ];
  }

  /** JSON `{ "<apiKeyId>": "<tenantId>", … }` with deploy-time key ids, for a function's environment. */
  tenantsByApiKeyId(): string {
    return keyTenantsJson(this.apiKeyTenants);
  }

  /** The same map for the data-subject-rights keys. */
  tenantsByRightsKeyId(): string {
    return keyTenantsJson(this.rightsKeyTenants);
  }

  private addTenant(tenant: TenantConfig): void {
    const key = new apigw.ApiKey(this, `Key-${tenant.id}`, {
      description: `API key of tenant ${tenant.id} (${tenant.name})`,
      enabled: true,
    });
    const plan = new apigw.UsagePlan(this, `Plan-${tenant.id}`, {
      name: usagePlanName(Stack.of(this).stackName, tenant.id),
      description: `Usage plan of tenant ${tenant.id}`,
      throttle: { rateLimit: tenant.rateLimit, burstLimit: tenant.burstLimit },
      quota: { limit: tenant.monthlyQuota, period: apigw.Period.MONTH },
      apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
    });
    plan.addApiKey(key);
    this.apiKeyTenants.push({ keyId: key.keyId, tenantId: tenant.id });

    const rightsKey = new apigw.ApiKey(this, `RightsKey-${tenant.id}`, {
      description: `Data-subject-rights key of tenant ${tenant.id} (${tenant.name}): access and erasure by IP address only`,
      enabled: true,
    });
    const rightsPlan = new apigw.UsagePlan(this, `RightsPlan-${tenant.id}`, {
      name: rightsUsagePlanName(Stack.of(this).stackName, tenant.id),
      description: `Data-subject-rights capability of tenant ${tenant.id}: ${RIGHTS_PLAN.dailyQuota} calls a day`,
      throttle: { rateLimit: RIGHTS_PLAN.rateLimit, burstLimit: RIGHTS_PLAN.burstLimit },
      quota: { limit: RIGHTS_PLAN.dailyQuota, period: apigw.Period.DAY },
      apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
    });
    rightsPlan.addApiKey(rightsKey);
    this.rightsKeyTenants.push({ keyId: rightsKey.keyId, tenantId: tenant.id });
  }
}

function keyTenantsJson(pairs: ReadonlyArray<{ keyId: string; tenantId: string }>): string {
  const entries = pairs.map(({ keyId, tenantId }) => Fn.join('', ['"', keyId, `":${JSON.stringify(tenantId)}`]));
  return Fn.join('', ['{', Fn.join(',', entries), '}']);
}

const TENANT_KEY_REASON =
  "Tenants are controllers' servers, authenticated by an API key bound to their own usage plan; the function maps " +
  'the key to the tenant and every data access is scoped to it. There are no end users to sign in (Cognito).';
const PUBLIC_REASON =
  'Public by design: data subjects exercise their rights without an account. The route only forwards the request ' +
  'to the controller (nothing is stored), is body-validated, method-throttled and behind the per-IP WAF limit.';

/** Why each kind of authorisation is right where cdk-nag expects an authorizer or a Cognito pool. */
const AUTHORISATION_FINDINGS: Record<RouteAuthorisation, Array<{ id: string; reason: string }>> = {
  apiKey: [
    { id: 'AwsSolutions-APIG4', reason: TENANT_KEY_REASON },
    { id: 'AwsSolutions-COG4', reason: TENANT_KEY_REASON },
  ],
  public: [
    { id: 'AwsSolutions-APIG4', reason: PUBLIC_REASON },
    { id: 'AwsSolutions-COG4', reason: PUBLIC_REASON },
  ],
  iam: [
    {
      id: 'AwsSolutions-COG4',
      reason:
        'Operator-only route: callers sign with their own AWS credentials (SigV4, AuthorizationType AWS_IAM) and need ' +
        'execute-api:Invoke on it; there are no end users for a Cognito pool.',
    },
  ],
};

function acknowledgeApiFindings(api: apigw.RestApi): void {
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    reason:
      "AmazonAPIGatewayPushToCloudWatchLogs is AWS's policy for the account-wide role API Gateway uses to write " +
      'execution and access logs; it grants log writing only.',
  });
  Validations.of(api.deploymentStage).acknowledge(
    {
      id: 'NIST.800.53.R5-APIGWCacheEnabledAndEncrypted',
      reason:
        "Answers are per tenant and per IP address: a gateway cache would keep personal data outside the data store's " +
        'retention and erasure; lookups are in-memory and fast, so a cache would buy nothing.',
    },
    {
      id: 'NIST.800.53.R5-APIGWSSLEnabled',
      reason:
        'Every integration is a Lambda proxy integration called through the AWS API with SigV4; a client certificate ' +
        'only authenticates API Gateway to HTTP backends, of which there are none.',
    },
  );
}

/** $context.identity.sourceIp and $context.path (which holds the IP of /v1/enrich/{ip}) are left out on purpose. */
function accessLogWithoutClientAddress(): apigw.AccessLogFormat {
  return apigw.AccessLogFormat.custom(
    JSON.stringify({
      requestId: apigw.AccessLogField.contextRequestId(),
      requestTime: apigw.AccessLogField.contextRequestTime(),
      httpMethod: apigw.AccessLogField.contextHttpMethod(),
      resourcePath: apigw.AccessLogField.contextResourcePath(),
      status: apigw.AccessLogField.contextStatus(),
      responseLength: apigw.AccessLogField.contextResponseLength(),
      responseLatency: apigw.AccessLogField.contextResponseLatency(),
      integrationLatency: apigw.AccessLogField.contextIntegrationLatency(),
      apiKeyId: apigw.AccessLogField.contextIdentityApiKeyId(),
      wafResponseCode: apigw.AccessLogField.contextWafResponseCode(),
      errorMessage: apigw.AccessLogField.contextErrorMessage(),
    }),
  );
}
