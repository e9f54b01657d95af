import type { SNSClient } from '@aws-sdk/client-sns';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { corsFor } from '../../../lambdas/data-subject-requests/cors.js';
import { RequestCounters, type DailyCaps } from '../../../lambdas/data-subject-requests/request-counters.js';
import { localDocumentClient } from '../../../bin/local/local-aws.js';
import { createDataSubjectRequestsApi } from '../../../lambdas/data-subject-requests/data-subject-requests-api.js';
import { httpApi } from '../../../lambdas/shared/http/middleware.js';
import { createLogger } from '../../../lambdas/shared/logging/logger.js';
import { jsonOf, lambdaContext, proxyEvent, type EventParts } from '../../support/api-gateway-events.js';
import { capturedOutput } from '../../support/captured-output.js';
import { createTestCountersTable } from '../../support/dynamodb.js';
import { inject } from 'vitest';
import type { Answer } from './visitor-data-harness.js';

export const RECEIVED_AT = new Date('2026-03-02T09:30:00.000Z');

export interface RequestsHarness {
  /** References handed out, in order. */
  readonly references: string[];
  /** The counters table in DynamoDB Local. */
  readonly countersTable: string;
  call(parts: EventParts): Promise<Answer>;
  submit(body: unknown, parts?: Partial<EventParts>): Promise<Answer>;
}

/** The one form origin the test deployment declares. */
export const FORM_ORIGIN = 'https://www.tenant-a.example';

/**
 * The data-subject request function as Lambda runs it (CORS around the httpApi middleware around
 * createDataSubjectRequestsApi), publishing with a real SNS client and counting in a counters table
 * in DynamoDB Local; public, so events carry no key.
 */
export async function requestsHarness(
  topics: ReadonlyMap<string, string>,
  sns: SNSClient,
  caps: DailyCaps = { perTenant: 1000, perSender: 1000 },
  /** The function's clock. DynamoDB Local deletes expired counters as DynamoDB does: tests of caps keep it near real time. */
  clock: () => Date = () => RECEIVED_AT,
): Promise<RequestsHarness> {
  const countersTable = await createTestCountersTable();
  const logger = createLogger('data-subject-requests-test');
  const references: string[] = [];
  const cors = corsFor(new Set([FORM_ORIGIN]));
  const handler = cors.withCors(
    httpApi(
      createDataSubjectRequestsApi({
        topics,
        sns,
        counters: new RequestCounters(localDocumentClient(inject('dynamoDbEndpoint')), countersTable, caps),
        cors,
        clock,
        newReference: () => {
          references.push(`DSR-00000000-0000-4000-8000-${String(references.length + 1).padStart(12, '0')}`);
          return references.at(-1)!;
        },
        logger,
      }),
      logger,
    ),
  );
  const harness: RequestsHarness = {
    references,
    countersTable,
    async call(parts) {
      let result!: APIGatewayProxyResult;
      const logs = await capturedOutput(async () => {
        result = await handler(proxyEvent({ apiKeyId: null, ...parts }), lambdaContext('data-subject-requests'));
      });
      // A preflight answer has no body.
      return { status: result.statusCode, body: result.body === '' ? null : jsonOf(result).body, result, logs };
    },
    submit: (body, parts = {}) => harness.call({ method: 'POST', resource: '/v1/data-subject-requests', body, ...parts }),
  };
  return harness;
}
