import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ApiHandler } from '../shared/http/middleware.js';

/**
 * The request form lives on the controllers' websites, so browsers call this route cross-origin. Only
 * the origins the tenants declared (config: requestFormOrigins) get an Access-Control-Allow-Origin
 * answer, echoed one at a time (never `*`), without credentials; any other page's scripts cannot read
 * the answer, and their preflight is refused, so a JSON POST from them is never sent. A form posted
 * without scripts, or from a server, needs no CORS at all.
 */
export function corsFor(allowedOrigins: ReadonlySet<string>) {
  const allowOrigin = (event: Pick<APIGatewayProxyEvent, 'headers'>): Record<string, string> => {
    const origin = headerValue(event, 'origin');
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
          ? { 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '3600', 'cache-control': 'no-store' }
          : { 'cache-control': 'no-store' },
        body: '',
      };
    },
  };
}

function headerValue(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name && typeof value === 'string') return value;
  return undefined;
}
