import type { APIGatewayProxyResult } from 'aws-lambda';
import { DATA_SUBJECT_FORM_CORS as CORS } from '../../lib/api/routes.js';
import type { ApiHandler } from '../shared/http/middleware.js';

/**
 * The request form lives on the controller's website, so browsers call this route cross-origin, as
 * the route manifest's `cors` allows: the route is public, takes no credentials and answers nothing
 * but the acknowledgment.
 */
const CORS_HEADERS = { 'access-control-allow-origin': CORS.allowOrigin } as const;

/** Adds the CORS header to every answer of a handler, errors included (they are answers too). */
export const withCors =
  (handler: ApiHandler): ApiHandler =>
  async (event, context) => {
    const result = await handler(event, context);
    return { ...result, headers: { ...result.headers, ...CORS_HEADERS } };
  };

/** The answer to a browser's preflight (OPTIONS): a JSON POST from an allowed origin may follow. */
export function preflightResponse(): APIGatewayProxyResult {
  return {
    statusCode: 204,
    headers: {
      'access-control-allow-methods': CORS.allowMethods.join(', '),
      'access-control-allow-headers': CORS.allowHeaders.join(', '),
      'access-control-max-age': String(CORS.maxAgeSeconds),
      'cache-control': 'no-store',
    },
    body: '',
  };
}
