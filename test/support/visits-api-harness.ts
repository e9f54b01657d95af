import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createEnricher } from '../../lambdas/shared/enrichment/enricher.js';
import { MmdbDatabase } from '../../lambdas/shared/enrichment/mmdb-database.js';
import { httpApi } from '../../lambdas/shared/http/middleware.js';
import { createLogger } from '../../lambdas/shared/logging/logger.js';
import { TenantDirectory } from '../../lambdas/shared/tenants/tenant-directory.js';
import { deriveVisitKeys } from '../../lambdas/shared/visits/visit-keys.js';
import { VisitsRepository } from '../../lambdas/shared/visits/visits-repository.js';
import { createVisitsApi } from '../../lambdas/visits/visits-api.js';
import { jsonOf, lambdaContext, proxyEvent, TEST_TENANT_KEYS, type EventParts } from './api-gateway-events.js';
import { capturedOutput } from './captured-output.js';
import type { TestVisitsTable } from './dynamodb.js';
import { testDatabase } from './maxmind-test-data.js';

export const TEST_PSEUDONYM_SECRET = 'test-pseudonym-secret-0123456789abcdef0123456789abcdef';

export interface VisitsApiHarness {
  readonly keys: ReturnType<typeof deriveVisitKeys>;
  /** The clock the API reads; tests move it. */
  now: Date;
  /** Calls the visits function (middleware included) with a proxy event; returns status and parsed body. */
  call(parts: EventParts): Promise<{ status: number; body: any; result: APIGatewayProxyResult; logs: string }>;
  record(body: unknown, parts?: Partial<EventParts>): ReturnType<VisitsApiHarness['call']>;
  list(query?: Record<string, string | string[]>, parts?: Partial<EventParts>): ReturnType<VisitsApiHarness['call']>;
}

/**
 * The visits function as Lambda runs it (httpApi middleware around createVisitsApi) on a test table
 * in DynamoDB Local, with a MaxMind test database, the two test tenants and a fixed secret.
 */
export function visitsApiHarness(
  table: TestVisitsTable,
  options: { database?: string; retentionDays?: number; documentClient?: DynamoDBDocumentClient } = {},
): VisitsApiHarness {
  const keys = deriveVisitKeys(TEST_PSEUDONYM_SECRET);
  const logger = createLogger('visits-test');
  const harness: VisitsApiHarness = {
    keys,
    // DynamoDB Local deletes expired items like DynamoDB does: tests keep the clock near real time.
    now: new Date(Math.floor(Date.now() / 1000) * 1000),
    async call(parts) {
      let result!: APIGatewayProxyResult;
      const logs = await capturedOutput(async () => {
        result = await handler(proxyEvent(parts), lambdaContext('visits'));
      });
      return { ...jsonOf(result), result, logs };
    },
    record: (body, parts = {}) => harness.call({ method: 'POST', resource: '/v1/visits', body, ...parts }),
    list: (query = {}, parts = {}) => harness.call({ method: 'GET', resource: '/v1/visits', query, ...parts }),
  };
  const handler = httpApi(
    createVisitsApi({
      enricher: createEnricher(MmdbDatabase.open(testDatabase(options.database ?? 'GeoIP2-Enterprise-Test'))),
      tenants: TenantDirectory.fromJson(JSON.stringify(TEST_TENANT_KEYS)),
      visitsOf: (tenantId) => new VisitsRepository({ client: options.documentClient ?? table.documentClient, tableName: table.tableName, tenantId }),
      keys: async () => keys,
      retentionDays: options.retentionDays ?? 30,
      clock: () => harness.now,
      newVisitId: randomUUID,
      logger,
    }),
    logger,
  );
  return harness;
}
