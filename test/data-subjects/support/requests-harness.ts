import type { SNSClient } from '@aws-sdk/client-sns';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { withCors } from '../../../lambdas/data-subject-requests/cors.js';
import { createDataSubjectRequestsApi } from '../../../lambdas/data-subject-requests/data-subject-requests-api.js';
import { httpApi } from '../../../lambdas/shared/http/middleware.js';
import { createLogger } from '../../../lambdas/shared/logging/logger.js';
import { jsonOf, lambdaContext, proxyEvent, type EventParts } from '../../support/api-gateway-events.js';
import { capturedOutput } from '../../support/captured-output.js';
import type { Answer } from './visitor-data-harness.js';

export const RECEIVED_AT = new Date('2026-03-02T09:30:00.000Z');

export interface RequestsHarness {
  /** References handed out, in order. */
  readonly references: string[];
  call(parts: EventParts): Promise<Answer>;
  submit(body: unknown, parts?: Partial<EventParts>): Promise<Answer>;
}

/**
 * The data-subject request function as Lambda runs it (CORS around the httpApi middleware around
 * createDataSubjectRequestsApi), publishing with a real SNS client; public, so events carry no key.
 */
export function requestsHarness(topics: ReadonlyMap<string, string>, sns: SNSClient): RequestsHarness {
  const logger = createLogger('data-subject-requests-test');
  const references: string[] = [];
  const handler = withCors(
    httpApi(
      createDataSubjectRequestsApi({
        topics,
        sns,
        clock: () => RECEIVED_AT,
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
