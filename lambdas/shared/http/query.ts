import type { APIGatewayProxyEvent } from 'aws-lambda';
import { badRequest } from './http-error.js';

/**
 * The query string as single values, refusing what the route does not define (UNKNOWN_PARAMETER)
 * and repeated parameters (INVALID_PARAMETER) instead of silently picking one.
 */
export function queryParameters<Name extends string>(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>,
  allowed: readonly Name[],
): Partial<Record<Name, string>> {
  const single = event.queryStringParameters ?? {};
  const multi = event.multiValueQueryStringParameters ?? {};
  const result: Partial<Record<Name, string>> = {};
  for (const [name, value] of Object.entries(single)) {
    if (!(allowed as readonly string[]).includes(name)) {
      throw badRequest('UNKNOWN_PARAMETER', `Unknown query parameter "${name}". Allowed: ${allowed.join(', ') || 'none'}.`, { parameter: name });
    }
    if ((multi[name]?.length ?? 1) > 1) throw badRequest('INVALID_PARAMETER', `The query parameter "${name}" is given more than once.`, { parameter: name });
    if (value !== undefined) result[name as Name] = value;
  }
  return result;
}
