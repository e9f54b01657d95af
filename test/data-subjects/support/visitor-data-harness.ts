import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { httpApi } from '../../../lambdas/shared/http/middleware.js';
import { parseIpAddress } from '../../../lambdas/shared/ip/ip-address.js';
import { createLogger } from '../../../lambdas/shared/logging/logger.js';
import { TenantDirectory } from '../../../lambdas/shared/tenants/tenant-directory.js';
import { localVisitKeys } from '../../../lambdas/shared/visits/visit-keys.js';
import { VisitsRepository } from '../../../lambdas/shared/visits/visits-repository.js';
import { createVisitorDataApi, MAX_ERASED_PER_REQUEST, RIGHTS_KEY_REQUIRED } from '../../../lambdas/visitor-data/visitor-data-api.js';
import { jsonOf, lambdaContext, proxyEvent, TEST_RIGHTS_KEYS, type EventParts } from '../../support/api-gateway-events.js';
import { capturedOutput } from '../../support/captured-output.js';
import type { TestVisitsTable } from '../../support/dynamodb.js';
import { TEST_PSEUDONYM_SECRET } from '../../support/visits-api-harness.js';

/** The reference every call must name; a test that sends `requestReference: undefined` sends none. */
export const TEST_REQUEST_REFERENCE = 'DSR-test-0001';

export const withReference = (body: unknown) =>
  typeof body === 'object' && body !== null && !Array.isArray(body) && !('requestReference' in body)
    ? { ...body, requestReference: TEST_REQUEST_REFERENCE }
    : body;

export interface Answer {
  readonly status: number;
  readonly body: any;
  readonly result: APIGatewayProxyResult;
  readonly logs: string;
}

export interface VisitorDataHarness {
  call(parts: EventParts): Promise<Answer>;
  search(body: unknown, parts?: Partial<EventParts>): Promise<Answer>;
  erase(body: unknown, parts?: Partial<EventParts>): Promise<Answer>;
  /** The pseudonym the visits function stores for an address of a tenant (same secret as the visits harness). */
  pseudonymOf(tenantId: string, ip: string): string;
}

/**
 * The visitor-data function as Lambda runs it (httpApi middleware around createVisitorDataApi) on a
 * test table in DynamoDB Local, with the two test tenants and the visits harness's secret, so visits
 * recorded through POST /v1/visits are found by the same pseudonyms. Erasure confirmations go to the
 * given topics (fauxqs, a local SNS server: ControllerTopics) with the real SDK.
 */
export function visitorDataHarness(
  table: TestVisitsTable,
  inbox: { readonly topicArns: ReadonlyMap<string, string>; readonly sns: SNSClient },
  options: { maxErasedPerRequest?: number; client?: DynamoDBDocumentClient } = {},
): VisitorDataHarness {
  const keysOf = localVisitKeys(TEST_PSEUDONYM_SECRET);
  const logger = createLogger('visitor-data-test');
  const handler = httpApi(
    createVisitorDataApi({
      tenants: TenantDirectory.fromJson(JSON.stringify(TEST_RIGHTS_KEYS), 'VISITOR_DATA_API_KEYS', RIGHTS_KEY_REQUIRED),
      visitsOf: (tenantId) => new VisitsRepository({ client: options.client ?? table.documentClient, tableName: table.tableName, tenantId }),
      keysOf: async (tenantId) => keysOf(tenantId),
      maxErasedPerRequest: options.maxErasedPerRequest ?? MAX_ERASED_PER_REQUEST,
      topics: inbox.topicArns,
      sns: inbox.sns,
      clock: () => new Date(),
      logger,
    }),
    logger,
  );
  const harness: VisitorDataHarness = {
    async call(parts) {
      let result!: APIGatewayProxyResult;
      const logs = await capturedOutput(async () => {
        result = await handler(proxyEvent({ apiKeyId: 'rights-key-tenant-a', ...parts, body: withReference(parts.body) }), lambdaContext('visitor-data'));
      });
      return { ...jsonOf(result), result, logs };
    },
    search: (body, parts = {}) => harness.call({ method: 'POST', resource: '/v1/visitor-data/search', body, ...parts }),
    erase: (body, parts = {}) => harness.call({ method: 'POST', resource: '/v1/visitor-data/erase', body, ...parts }),
    pseudonymOf: (tenantId, ip) => keysOf(tenantId).pseudonymise(parseIpAddress(ip)!),
  };
  return harness;
}
