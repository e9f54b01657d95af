import { randomUUID } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { corsFor } from '../../../lambdas/data-subject-requests/cors.js';
import { RequestCounters } from '../../../lambdas/data-subject-requests/request-counters.js';
import { createComplianceRegisterApi } from '../../../lambdas/compliance-register/compliance-register-api.js';
import { s3RegisterViews } from '../../../lambdas/compliance-register/register-views.js';
import { controllerViewKey } from '../../../lambdas/shared/compliance/controller-register-view.js';
import { sampleView } from '../../compliance/support/sample-view.js';
import { API_ROUTES, findRoute, routeKey, type RouteFunction } from '../../../lib/api/routes.js';
import { createDataSubjectRequestsApi, newRequestReference } from '../../../lambdas/data-subject-requests/data-subject-requests-api.js';
import { createCollectorApi } from '../../../lambdas/collect/collector-api.js';
import { SiteCeiling } from '../../../lambdas/collect/site-ceiling.js';
import { SiteDirectory } from '../../../lambdas/collect/site-directory.js';
import { createEnrichApi } from '../../../lambdas/enrich/enrich-api.js';
import { notifyPendingConsumer } from '../../../lambdas/breach-notify/notify-pending.js';
import { reportBreachApi } from '../../../lambdas/breach-report/report-breach.js';
import { createEnricher, type Enricher } from '../../../lambdas/shared/enrichment/enricher.js';
import { MmdbDatabase } from '../../../lambdas/shared/enrichment/mmdb-database.js';
import { httpApi } from '../../../lambdas/shared/http/middleware.js';
import { createLogger } from '../../../lambdas/shared/logging/logger.js';
import { TenantDirectory } from '../../../lambdas/shared/tenants/tenant-directory.js';
import { localVisitKeys } from '../../../lambdas/shared/visits/visit-keys.js';
import { VisitsRepository } from '../../../lambdas/shared/visits/visits-repository.js';
import { createVisitorDataApi, MAX_ERASED_PER_REQUEST, RIGHTS_KEY_REQUIRED } from '../../../lambdas/visitor-data/visitor-data-api.js';
import { createVisitsApi } from '../../../lambdas/visits/visits-api.js';
import { BreachEmulator, BUCKET } from '../../breach/support/emulator.js';
import { sampleReport } from '../../breach/support/sample-report.js';
import { failWhen, TENANT_IDS, wire } from '../../breach/support/wiring.js';
import { lambdaContext, proxyEvent, TEST_RIGHTS_KEYS, TEST_TENANT_KEYS, type EventParts } from '../../support/api-gateway-events.js';
import { createTestCountersTable, createTestVisitsTable, type TestVisitsTable } from '../../support/dynamodb.js';
import { testDatabase } from '../../support/maxmind-test-data.js';
import { TEST_PSEUDONYM_SECRET } from '../../support/visits-api-harness.js';
import { BROWSER_USER_AGENT } from '../../support/collector-harness.js';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The two tenants of every test here, as API Gateway identifies them (TENANT_API_KEYS). */
export const TENANT_A = { apiKeyId: 'key-tenant-a', tenantId: 'tenant-a' } as const;
export const TENANT_B = { apiKeyId: 'key-tenant-b', tenantId: 'tenant-b' } as const;

/** Tenant A's site whose page views the collector records in every test here. */
export const IN_PROCESS_SITE_KEY = 'pk_in_process_acme_0123456789';
export const IN_PROCESS_SITE_ORIGIN = 'https://www.acme.example';
const IN_PROCESS_SITES = {
  [IN_PROCESS_SITE_KEY]: {
    tenantId: TENANT_A.tenantId,
    siteId: 'www.acme.example',
    allowedOrigins: [IN_PROCESS_SITE_ORIGIN],
    honourGlobalPrivacyControl: true,
    honourDoNotTrack: true,
    pageViewsPerMinute: 100_000,
  },
};

/** An unexpected failure to inject: every dependency that can fail at run time throws it while set. */
export class Faults {
  error: Error | undefined;
}

/** What a route needs to put into a request: the values a tenant (or an attacker) would send. */
export interface RouteSample {
  /** An address: the path parameter, the visitor or the caller's address, an address searched for. */
  readonly ip: string;
  readonly siteId: string;
  readonly pageUrl: string;
}

/**
 * GIVE EVERY ROUTE AN EXAMPLE HERE: `METHOD /resource` → a well-formed request built from a sample.
 * Which function serves a route comes from the route manifest (lib/api/routes.ts). The fuzz, log and
 * tenant-isolation tests iterate the routes of lib/api/openapi.json and of the deployed API and fail
 * on any route without an example.
 */
const EXAMPLES: Readonly<Partial<Record<string, (sample: RouteSample) => EventParts>>> = {
  'GET /v1/enrich/{ip}': ({ ip }) => ({ method: 'GET', resource: '/v1/enrich/{ip}', pathParameters: { ip } }),
  'POST /v1/enrich': ({ ip }) => ({ method: 'POST', resource: '/v1/enrich', body: { ips: [ip, '81.2.69.160'] } }),
  'GET /v1/health': ({ ip }) => ({ method: 'GET', resource: '/v1/health', sourceIp: ip }),
  'POST /v1/visits': ({ ip, siteId, pageUrl }) => ({ method: 'POST', resource: '/v1/visits', body: { siteId, pageUrl, referrer: pageUrl, visitorIp: ip } }),
  'GET /v1/visits': ({ siteId }) => ({ method: 'GET', resource: '/v1/visits', query: { siteId, limit: '100' } }),
  'POST /v1/visitor-data/search': ({ ip }) => ({ method: 'POST', resource: '/v1/visitor-data/search', body: { ip, limit: 100 } }),
  'POST /v1/visitor-data/erase': ({ ip }) => ({ method: 'POST', resource: '/v1/visitor-data/erase', body: { ip } }),
  'POST /v1/data-subject-requests': ({ ip, siteId, pageUrl }) => ({
    method: 'POST',
    resource: '/v1/data-subject-requests',
    apiKeyId: null,
    body: { tenantId: TENANT_A.tenantId, siteId, type: 'access', message: `Which visits of mine to ${pageUrl} from ${ip} do you hold?`, contact: { email: 'jane.doe@example.org', name: `Jane (${ip})` } },
  }),
  'OPTIONS /v1/data-subject-requests': () => ({ method: 'OPTIONS', resource: '/v1/data-subject-requests', apiKeyId: null, headers: { Origin: 'https://www.acme.example', 'Access-Control-Request-Method': 'POST' } }),
  'GET /v1/compliance/register': () => ({ method: 'GET', resource: '/v1/compliance/register' }),
  'POST /v1/collect': ({ ip, pageUrl }) => ({
    method: 'POST',
    resource: '/v1/collect',
    apiKeyId: null,
    sourceIp: ip,
    body: { siteKey: IN_PROCESS_SITE_KEY, pageUrl: `${IN_PROCESS_SITE_ORIGIN}/pricing`, referrer: pageUrl },
    headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: IN_PROCESS_SITE_ORIGIN, 'User-Agent': BROWSER_USER_AGENT },
  }),
  'GET /v1/snippet.js': () => ({ method: 'GET', resource: '/v1/snippet.js', apiKeyId: null }),
  'POST /v1/operator/breaches': ({ ip, pageUrl }) => ({
    method: 'POST',
    resource: '/v1/operator/breaches',
    apiKeyId: null,
    body: sampleReport({ reportId: randomUUID(), nature: `Visit log of ${pageUrl} with visitor ${ip} was exposed.`, affectedTenants: ['acme'] }),
  }),
};

const REGISTER_VIEWS_BUCKET = 'register-views-test';

export type FunctionName = RouteFunction;
export { routeKey };

/** The manifest's routes that have an example: which function serves each, and the example. */
export const ROUTES: Readonly<Record<string, { readonly fn: FunctionName; readonly example: (sample: RouteSample) => EventParts }>> = Object.fromEntries(
  API_ROUTES.flatMap((route) => {
    const key = routeKey(route.method, route.path);
    const example = EXAMPLES[key];
    return example ? [[key, { fn: route.function, example }]] : [];
  }),
);

export interface InProcessFunctions {
  /** The function (middleware included) that serves a route in production. */
  readonly handlers: Readonly<Record<FunctionName, ProxyHandler>>;
  /** The breach notification retry consumer (an SQS-triggered function, no route). */
  readonly notify: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  readonly table: TestVisitsTable;
  readonly emulator: BreachEmulator;
  readonly faults: Faults;
  /**
   * Builds the event (test/support/api-gateway-events.ts), lets `tweak` change it as only API Gateway
   * could, and calls the function of its route (by resource and method).
   */
  call(parts: EventParts, tweak?: (event: APIGatewayProxyEvent) => void): Promise<{ status: number; body: any; text: string }>;
  /** Visits in the visits table (not the collector's per-site counters), read straight from DynamoDB Local. */
  visitCount(): Promise<number>;
  /** Object versions in the breach register bucket, read straight from the emulator. */
  registerObjectCount(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Every function of the app, wired as its handler.ts wires it (the pure API inside the same httpApi
 * middleware, a logger from createLogger) but on local dependencies: a MaxMind test database, a fresh
 * visits table in the run's DynamoDB Local, the breach register, topics and queues in fauxqs.
 * Loggers are created here, so logging settings in the environment (level, event logging) apply.
 */
export async function startInProcessFunctions(): Promise<InProcessFunctions> {
  const table = await createTestVisitsTable();
  const countersTable = await createTestCountersTable();
  const cors = corsFor(new Set(['https://www.tenant-a.example']));
  const emulator = await BreachEmulator.start(TENANT_IDS);
  const faults = new Faults();
  const enricher = failingWith(faults, createEnricher(MmdbDatabase.open(testDatabase('GeoIP2-Enterprise-Test'))));
  const tenants = TenantDirectory.fromJson(JSON.stringify(TEST_TENANT_KEYS));
  const keysOf = localVisitKeys(TEST_PSEUDONYM_SECRET);
  const rightsTenants = TenantDirectory.fromJson(JSON.stringify(TEST_RIGHTS_KEYS), 'VISITOR_DATA_API_KEYS', RIGHTS_KEY_REQUIRED);

  const enrichLogger = createLogger('enrich');
  const visitsLogger = createLogger('visits');
  const visitorDataLogger = createLogger('visitor-data');
  const requestsLogger = createLogger('data-subject-requests');
  const collectLogger = createLogger('collect');
  const breach = wire(emulator);
  for (const client of [breach.s3, breach.sns, breach.sqs]) failWhen(client, () => faults.error);
  const reportDeps = { ...breach.deps, logger: createLogger('breach-report') };
  const notifyDeps = { ...breach.deps, logger: createLogger('breach-notify') };
  const visitsOf = (tenantId: string) => {
    const repository = new VisitsRepository({ client: table.documentClient, tableName: table.tableName, tenantId });
    return faults.error ? failingRepository(repository, faults.error) : repository;
  };
  emulator.server.createBucket(REGISTER_VIEWS_BUCKET);
  await breach.s3.send(new PutObjectCommand({ Bucket: REGISTER_VIEWS_BUCKET, Key: `register/${controllerViewKey('tenant-a')}`, Body: JSON.stringify(sampleView('tenant-a', 'Tenant A B.V.')) }));
  const noticeTopics = new Map(Object.values(TEST_TENANT_KEYS).map((tenantId) => [tenantId, emulator.server.createTopic(`notice-${tenantId}`).topicArn]));

  const handlers: Record<FunctionName, ProxyHandler> = {
    enrich: httpApi(createEnrichApi({ enricher, tenants }), enrichLogger),
    visits: httpApi(
      createVisitsApi({
        enricher,
        tenants,
        visitsOf,
        keysOf: async (tenantId) => keysOf(tenantId),
        retentionDays: 30,
        clock: () => new Date(),
        newVisitId: randomUUID,
        logger: visitsLogger,
      }),
      visitsLogger,
    ),
    visitorData: httpApi(
      createVisitorDataApi({
        tenants: rightsTenants,
        visitsOf,
        keysOf: async (tenantId) => keysOf(tenantId),
        maxErasedPerRequest: MAX_ERASED_PER_REQUEST,
        topics: noticeTopics,
        sns: breach.sns,
        clock: () => new Date(),
        logger: visitorDataLogger,
      }),
      visitorDataLogger,
    ),
    dataSubjectRequests: cors.withCors(
      httpApi(
        createDataSubjectRequestsApi({
          topics: noticeTopics,
          sns: breach.sns,
          counters: new RequestCounters(table.documentClient, countersTable, { perTenant: 100_000, perSender: 100_000 }),
          cors,
          clock: () => new Date(),
          newReference: newRequestReference,
          logger: requestsLogger,
        }),
        requestsLogger,
      ),
    ),
    breachReport: reportBreachApi(reportDeps),
    // tenant-a's view is published in a bucket of its own (the real S3 reader); tenant-b has none (404).
    complianceRegister: httpApi(createComplianceRegisterApi({ tenants, views: s3RegisterViews(breach.s3, REGISTER_VIEWS_BUCKET, 'register/') }), createLogger('compliance-register')),
    collect: httpApi(
      createCollectorApi({
        enricher,
        sites: SiteDirectory.of(IN_PROCESS_SITES),
        ceiling: new SiteCeiling({ client: table.documentClient, tableName: table.tableName, clock: () => new Date() }),
        visitsOf,
        keysOf: async (tenantId) => keysOf(tenantId),
        retentionDays: 30,
        clock: () => new Date(),
        newVisitId: randomUUID,
        logger: collectLogger,
      }),
      collectLogger,
    ),
  };
  const notify = notifyPendingConsumer(notifyDeps) as unknown as InProcessFunctions['notify'];

  return {
    handlers,
    notify,
    table,
    emulator,
    faults,
    async call(parts, tweak) {
      const event = proxyEvent(parts);
      tweak?.(event);
      const route = findRoute(event.httpMethod, event.resource);
      if (!route) throw new Error(`no function serves ${routeKey(event.httpMethod, event.resource)}: declare it in lib/api/routes.ts`);
      const result = await handlers[route.function](event, lambdaContext(route.function));
      const json = String(result.headers?.['content-type'] ?? '').startsWith('application/json');
      return { status: result.statusCode, body: json ? JSON.parse(result.body) : undefined, text: result.body };
    },
    async visitCount() {
      let count = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await table.documentClient.send(
          new ScanCommand({
            TableName: table.tableName,
            Select: 'COUNT',
            FilterExpression: 'begins_with(pk, :tenant)',
            ExpressionAttributeValues: { ':tenant': 'TENANT#' },
            ExclusiveStartKey: startKey,
          }),
        );
        count += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return count;
    },
    async registerObjectCount() {
      // Objects are created with If-None-Match and never replaced, so counting keys counts every write.
      let count = 0;
      let token: string | undefined;
      do {
        const page = await breach.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }));
        count += page.KeyCount ?? 0;
        token = page.NextContinuationToken;
      } while (token);
      return count;
    },
    async stop() {
      await table.drop();
      await emulator.stop();
    },
  };
}

/** The enricher, failing while a fault is set. */
function failingWith(faults: Faults, enricher: Enricher): Enricher {
  return {
    database: enricher.database,
    source: enricher.source,
    enrich(address) {
      if (faults.error) throw faults.error;
      return enricher.enrich(address);
    },
    enrichWithPrefixLength(address) {
      if (faults.error) throw faults.error;
      return enricher.enrichWithPrefixLength(address);
    },
  };
}

/** A repository whose every call fails as a DynamoDB outage would. */
function failingRepository(repository: VisitsRepository, error: Error): VisitsRepository {
  const fail = async () => Promise.reject(error);
  return Object.assign(Object.create(repository) as VisitsRepository, { add: fail, list: fail, listByVisitor: fail, deleteByVisitor: fail });
}
