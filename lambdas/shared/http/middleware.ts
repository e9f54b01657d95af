import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { isDependencyUnavailable, RETRY_AFTER_SECONDS } from './dependency-unavailable.js';
import { HttpError } from './http-error.js';
import { errorResponse } from './responses.js';

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Turns any thrown error into the JSON error shape: an HttpError keeps its status and code; a dependency
 * throttling or failing for now becomes 503 with Retry-After (the client should send it again later);
 * anything else is our fault, is logged (through the redacting logger) and becomes a bare 500 without details.
 */
export function jsonErrors(logger: Logger): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof HttpError) {
        logger.info('request refused', { statusCode: error.statusCode, code: error.code });
        request.response = errorResponse(error.statusCode, error.code, error.message, error.details);
        return;
      }
      if (isDependencyUnavailable(error)) {
        logger.warn('dependency unavailable', { error: error as Error });
        const response = errorResponse(503, 'SERVICE_UNAVAILABLE', 'The service is busy; nothing was applied. Send the request again after Retry-After seconds.');
        request.response = { ...response, headers: { ...response.headers, 'retry-after': String(RETRY_AFTER_SECONDS) } };
        return;
      }
      logger.error('unhandled error', { error: error as Error });
      request.response = errorResponse(500, 'INTERNAL_ERROR', 'The request could not be completed; it was not applied.');
    },
  };
}

/**
 * The middleware every API function shares: lower-cased headers, structured logs with the Lambda
 * context, the function's own (e.g. metrics), JSON errors — innermost, so the others see the final answer.
 */
export function httpApi(handler: ApiHandler, logger: Logger, ...own: Array<middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>>) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpHeaderNormalizer())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(own)
    .use(jsonErrors(logger))
    .handler(handler);
}
