import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { DATA_SUBJECT_FORM_CORS as CORS } from '../../lib/api/routes.js';
import { headerValue } from '../shared/http/json-body.js';
import type { ApiHandler } from '../shared/http/middleware.js';

/**
 * The request form lives on the controllers' websites, so browsers call this route cross-origin, as
 * the route manifest's `cors` allows. Only the origins the tenants declared (config:
 * requestFormOrigins) get an Access-Control-Allow-Origin answer, echoed one at a time (never `*`),
 * without credentials; any other page's scripts cannot read the answer, and their preflight is
 * refused, so a JSON POST from them is never sent. A form posted without scripts, or from a server,
 * needs no CORS at all.
 */
export function corsFor(allowedOrigins: ReadonlySet<string>) {
  const allowOrigin = (event: Pick<APIGatewayProxyEvent, 'headers'>): Record<string, string> => {
    const origin = headerValue(event.headers, 'origin');
    return origin !== undefined && allowedOrigins.has(origin) ? { 'access-control-allow-origin': origin, vary: 'Origin' } : { vary: 'Origin' };
  };
  return {
    /** Adds the CORS headers to every answer of a handler, errors included (they are answers too). */
    withCors:
      (handler: ApiHandler): ApiHandler =>
      async (event, context) => {
        const result = await handler(event, context);
        return { ...result, headers: { ...result.headers, ...allowOrigin(event) } };
      },
    /** The answer to a browser's preflight (OPTIONS): a JSON POST may follow, from a declared origin only. */
    preflightResponse: (event: Pick<APIGatewayProxyEvent, 'headers'>): APIGatewayProxyResult => {
      const allowed = allowOrigin(event)['access-control-allow-origin'] !== undefined;
      return {
        statusCode: 204,
        headers: allowed
          ? {
              'access-control-allow-methods': CORS.allowMethods.join(', '),
              'access-control-allow-headers': CORS.allowHeaders.join(', '),
              'access-control-max-age': String(CORS.maxAgeSeconds),
              'cache-control': 'no-store',
            }
          : { 'cache-control': 'no-store' },
        body: '',
      };
    },
  };
}
