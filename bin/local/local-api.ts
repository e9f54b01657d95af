import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@aws-lambda-powertools/logger';
import { withCors } from '../../lambdas/data-subject-requests/cors.js';
import { createDataSubjectRequestsApi, newRequestReference } from '../../lambdas/data-subject-requests/data-subject-requests-api.js';
import { createEnrichApi } from '../../lambdas/enrich/enrich-api.js';
import { createEnricher } from '../../lambdas/shared/enrichment/enricher.js';
import { MmdbDatabase } from '../../lambdas/shared/enrichment/mmdb-database.js';
import { httpApi } from '../../lambdas/shared/http/middleware.js';
import { createLogger } from '../../lambdas/shared/logging/logger.js';
import { TenantDirectory } from '../../lambdas/shared/tenants/tenant-directory.js';
import { deriveVisitKeys } from '../../lambdas/shared/visits/visit-keys.js';
import { VisitsRepository } from '../../lambdas/shared/visits/visits-repository.js';
import { createVisitorDataApi, MAX_ERASED_PER_REQUEST } from '../../lambdas/visitor-data/visitor-data-api.js';
import { createVisitsApi } from '../../lambdas/visits/visits-api.js';
import { apiGatewayAdapter, type LocalRoute } from './api-gateway-adapter.js';
import { startControllerInbox, type ControllerNotice } from './controller-inbox.js';
import type { LocalApiKey } from './local-credentials.js';
import { localDocumentClient } from './local-aws.js';

export interface LocalApiOptions {
  readonly mmdbPath: string;
  readonly dynamoDbEndpoint: string;
  readonly tableName: string;
  readonly apiKeys: readonly LocalApiKey[];
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
  };
  readonly clock?: () => Date;
  /** Receives each data-subject request forwarded to a tenant's (local) notice topic. @default dropped */
  readonly onControllerNotice?: (notice: ControllerNotice) => void;
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
  const keys = deriveVisitKeys(options.pseudonymSecret);

  const enrich = httpApi(createEnrichApi({ enricher, tenants }), loggers.enrich);
  const visits = httpApi(
    createVisitsApi({
      enricher,
      tenants,
      visitsOf: (tenantId) => new VisitsRepository({ client: documentClient, tableName: options.tableName, tenantId, shards: options.visitShards }),
      keys: async () => keys,
      retentionDays: options.retentionDays,
      clock: options.clock ?? (() => new Date()),
      newVisitId: randomUUID,
      logger: loggers.visits,
    }),
    loggers.visits,
  );
  const visitorDataLogger = options.loggers?.visitorData ?? createLogger('visitor-data');
  const visitorData = httpApi(
    createVisitorDataApi({
      tenants,
      visitsOf: (tenantId) => new VisitsRepository({ client: documentClient, tableName: options.tableName, tenantId }),
      keys: async () => keys,
      maxErasedPerRequest: MAX_ERASED_PER_REQUEST,
      logger: visitorDataLogger,
    }),
    visitorDataLogger,
  );
  const inbox = await startControllerInbox(
    options.apiKeys.map((key) => key.tenantId),
    options.onControllerNotice ?? (() => undefined),
  );
  const requestsLogger = options.loggers?.dataSubjectRequests ?? createLogger('data-subject-requests');
  const dataSubjectRequests = withCors(
    httpApi(
      createDataSubjectRequestsApi({
        topics: inbox.topicArns,
        sns: inbox.sns,
        clock: options.clock ?? (() => new Date()),
        newReference: newRequestReference,
        logger: requestsLogger,
      }),
      requestsLogger,
    ),
  );
  const routes: LocalRoute[] = [
    { resource: '/v1/enrich/{ip}', functionName: 'enrich', handler: enrich },
    { resource: '/v1/enrich', functionName: 'enrich', handler: enrich },
    { resource: '/v1/health', functionName: 'enrich', handler: enrich },
    { resource: '/v1/visits', functionName: 'visits', handler: visits },
    { resource: '/v1/visitor-data/search', functionName: 'visitor-data', handler: visitorData },
    { resource: '/v1/visitor-data/erase', functionName: 'visitor-data', handler: visitorData },
    { resource: '/v1/data-subject-requests', functionName: 'data-subject-requests', handler: dataSubjectRequests, apiKeyRequired: false },
  ];
  const adapter = apiGatewayAdapter({ routes, apiKeyIds: new Map(options.apiKeys.map((key) => [key.apiKey, key.apiKeyId])) });
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

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
