import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@aws-lambda-powertools/logger';
import { corsFor } from '../../lambdas/data-subject-requests/cors.js';
import { RequestCounters } from '../../lambdas/data-subject-requests/request-counters.js';
import { createDataSubjectRequestsApi, newRequestReference } from '../../lambdas/data-subject-requests/data-subject-requests-api.js';
import { createComplianceRegisterApi } from '../../lambdas/compliance-register/compliance-register-api.js';
import { fileRegisterViews } from '../../lambdas/compliance-register/file-register-views.js';
import { createCollectorApi } from '../../lambdas/collect/collector-api.js';
import { SiteCeiling } from '../../lambdas/collect/site-ceiling.js';
import { SiteDirectory } from '../../lambdas/collect/site-directory.js';
import { createEnrichApi } from '../../lambdas/enrich/enrich-api.js';
import { parsePublicIp } from '../../lambdas/shared/ip/public-ip.js';
import type { CollectorSite } from '../../lambdas/shared/sites/site.js';
import { createEnricher } from '../../lambdas/shared/enrichment/enricher.js';
import { MmdbDatabase } from '../../lambdas/shared/enrichment/mmdb-database.js';
import { httpApi } from '../../lambdas/shared/http/middleware.js';
import { createLogger } from '../../lambdas/shared/logging/logger.js';
import { TenantDirectory } from '../../lambdas/shared/tenants/tenant-directory.js';
import { localVisitKeys } from '../../lambdas/shared/visits/visit-keys.js';
import { VisitsRepository } from '../../lambdas/shared/visits/visits-repository.js';
import { createVisitorDataApi, MAX_ERASED_PER_REQUEST, RIGHTS_KEY_REQUIRED } from '../../lambdas/visitor-data/visitor-data-api.js';
import { createVisitsApi } from '../../lambdas/visits/visits-api.js';
import { API_ROUTES, type RouteFunction, type RouteThrottle } from '../../lib/api/routes.js';
import { apiGatewayAdapter, type LocalRoute, type ProxyHandler } from './api-gateway-adapter.js';
import { startControllerInbox, type ControllerNotice } from './controller-inbox.js';
import type { LocalApiKey } from './local-credentials.js';
import { localDocumentClient } from './local-aws.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

export interface LocalApiOptions {
  readonly mmdbPath: string;
  readonly dynamoDbEndpoint: string;
  readonly tableName: string;
  /** The data-subject-request counters table (see createRequestCountersTable). */
  readonly countersTableName: string;
  /** Origins whose pages may post data-subject requests (CORS). @default none */
  readonly requestFormOrigins?: readonly string[];
  /** The tenants' integration keys (enrichment and visits). */
  readonly apiKeys: readonly LocalApiKey[];
  /** The tenants' data-subject-rights keys (access and erasure by address). @default none: those routes refuse every key */
  readonly rightsApiKeys?: readonly LocalApiKey[];
  /** Stands in for the per-tenant secrets of a deployment: each tenant's is derived from it (localTenantSecret). */
  readonly pseudonymSecret: string;
  readonly retentionDays: number;
  /** Partition keys per tenant (the deployment's visitShards). @default DEFAULT_VISIT_SHARDS */
  readonly visitShards?: number;
  /** SDK attempts per DynamoDB call: 3 is what the deployed functions do (fault runs). @default 1 */
  readonly dynamoDbMaxAttempts?: number;
  /** 0 picks a free port. */
  readonly port: number;
  /** @default 127.0.0.1 — the local API is not meant to be reachable from other machines */
  readonly host?: string;
  /** Loggers of the functions (tests pass capturing ones). @default the functions' own */
  readonly loggers?: {
    readonly enrich: Logger;
    readonly visits: Logger;
    readonly visitorData?: Logger;
    readonly dataSubjectRequests?: Logger;
    readonly collect?: Logger;
  };
  /** The sites the collector records page views for, by publishable key. @default none */
  readonly sites?: Readonly<Record<string, CollectorSite>>;
  /**
   * Local only: the public address the collector takes a browser on this machine to have (loopback is
   * not public, so without it no page view from a local browser is stored). @default none
   */
  readonly pretendVisitorIp?: string;
  readonly clock?: () => Date;
  /** Tenant id → its usage plan's throttle (rateLimit, burstLimit from the configuration). @default none: unthrottled tenants */
  readonly usagePlans?: ReadonlyMap<string, RouteThrottle>;
  /** Milliseconds on a monotonic clock, for the throttles. @default performance.now */
  readonly throttleClock?: () => number;
  /** Receives each notice to a tenant's (local) request topic: forwarded requests, erasure confirmations. @default dropped */
  readonly onControllerNotice?: (notice: ControllerNotice) => void;
  /** Where `npm run register` wrote the controllers' register views. @default .local/register */
  readonly registerDir?: string;
}

export interface LocalApi {
  readonly url: string;
  readonly routes: readonly LocalRoute[];
  close(): Promise<void>;
}

/**
 * The API functions with the same code as in Lambda (the pure APIs inside the same middleware),
 * wired to local dependencies — the MMDB file, DynamoDB Local, a local secret, local SNS topics for
 * the controllers (fauxqs) — behind the API Gateway adapter, on an HTTP server.
 */
export async function startLocalApi(options: LocalApiOptions): Promise<LocalApi> {
  const enricher = createEnricher(MmdbDatabase.open(options.mmdbPath));
  const tenants = new TenantDirectory(new Map(options.apiKeys.map((key) => [key.apiKeyId, key.tenantId])));
  const loggers = options.loggers ?? { enrich: createLogger('enrich'), visits: createLogger('visits') };
  const documentClient = localDocumentClient(options.dynamoDbEndpoint, { maxAttempts: options.dynamoDbMaxAttempts });
  const keysOf = localVisitKeys(options.pseudonymSecret);
  const rightsKeys = options.rightsApiKeys ?? [];
  const clock = options.clock ?? (() => new Date());

  const enrich = httpApi(createEnrichApi({ enricher, tenants }), loggers.enrich);
  const visits = httpApi(
    createVisitsApi({
      enricher,
      tenants,
      visitsOf: (tenantId) => new VisitsRepository({ client: documentClient, tableName: options.tableName, tenantId, shards: options.visitShards }),
      keysOf: async (tenantId) => keysOf(tenantId),
      retentionDays: options.retentionDays,
      clock,
      newVisitId: randomUUID,
      logger: loggers.visits,
    }),
    loggers.visits,
  );
  const inbox = await startControllerInbox(
    options.apiKeys.map((key) => key.tenantId),
    options.onControllerNotice ?? (() => undefined),
  );
  const visitorDataLogger = options.loggers?.visitorData ?? createLogger('visitor-data');
  const visitorData = httpApi(
    createVisitorDataApi({
      tenants: new TenantDirectory(new Map(rightsKeys.map((key) => [key.apiKeyId, key.tenantId])), RIGHTS_KEY_REQUIRED),
      visitsOf: (tenantId) => new VisitsRepository({ client: documentClient, tableName: options.tableName, tenantId, shards: options.visitShards }),
      keysOf: async (tenantId) => keysOf(tenantId),
      maxErasedPerRequest: MAX_ERASED_PER_REQUEST,
      topics: inbox.topicArns,
      sns: inbox.sns,
      clock,
      logger: visitorDataLogger,
    }),
    visitorDataLogger,
  );
  const requestsLogger = options.loggers?.dataSubjectRequests ?? createLogger('data-subject-requests');
  const cors = corsFor(new Set(options.requestFormOrigins ?? []));
  const dataSubjectRequests = cors.withCors(
    httpApi(
      createDataSubjectRequestsApi({
        topics: inbox.topicArns,
        sns: inbox.sns,
        counters: new RequestCounters(documentClient, options.countersTableName),
        cors,
        clock,
        newReference: newRequestReference,
        logger: requestsLogger,
      }),
      requestsLogger,
    ),
  );
  const collectLogger = options.loggers?.collect ?? createLogger('collect');
  const collect = httpApi(
    createCollectorApi({
      enricher,
      sites: SiteDirectory.of(options.sites ?? {}),
      ceiling: new SiteCeiling({ client: documentClient, tableName: options.tableName, clock }),
      visitsOf: (tenantId) => new VisitsRepository({ client: documentClient, tableName: options.tableName, tenantId, shards: options.visitShards }),
      keysOf: async (tenantId) => keysOf(tenantId),
      retentionDays: options.retentionDays,
      clock,
      newVisitId: randomUUID,
      logger: collectLogger,
    }),
    collectLogger,
  );
  const pretended = options.pretendVisitorIp === undefined ? undefined : pretendedAddress(options.pretendVisitorIp);
  // Operator routes (IAM) have no local function: they need SigV4, which only API Gateway checks.
  const complianceLogger = createLogger('compliance-register');
  const complianceRegister = httpApi(
    createComplianceRegisterApi({ tenants, views: fileRegisterViews(options.registerDir ?? path.join(REPO_ROOT, '.local/register')) }),
    complianceLogger,
  );
  const functions: Partial<Record<RouteFunction, ProxyHandler>> = { enrich, visits, visitorData, dataSubjectRequests, collect, complianceRegister };
  const routes: LocalRoute[] = API_ROUTES.map((route) => ({
    route,
    handler: functions[route.function],
    ...(route.function === 'collect' && pretended !== undefined ? { loopbackSourceIp: pretended } : {}),
  }));
  const usagePlanThrottles = new Map(
    options.apiKeys.flatMap((key) => {
      const throttle = options.usagePlans?.get(key.tenantId);
      return throttle ? [[key.apiKeyId, throttle] as const] : [];
    }),
  );
  const adapter = apiGatewayAdapter({
    routes,
    apiKeyIds: new Map([...options.apiKeys, ...rightsKeys].map((key) => [key.apiKey, key.apiKeyId])),
    usagePlanThrottles,
    now: options.throttleClock,
  });
  const server = createServer((request, response) => void adapter(request, response));
  await listen(server, options.port, options.host ?? '127.0.0.1');
  const { address, port } = server.address() as AddressInfo;

  return {
    url: `http://${address}:${port}`,
    routes,
    close: async () => {
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      server.closeAllConnections();
      await closed;
      documentClient.destroy();
      await inbox.stop();
    },
  };
}

/** The pretended address must be one the collector could see on AWS: a public address. */
function pretendedAddress(text: string): string {
  try {
    return parsePublicIp(text).text;
  } catch {
    throw new Error('the pretended visitor address must be a public IPv4 or IPv6 address');
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
