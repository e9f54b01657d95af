import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HttpError } from './http-error.js';

export type Route<Request> = (request: Request) => Promise<APIGatewayProxyResult>;

/** Routes by API Gateway resource template (e.g. /v1/enrich/{ip}), then by HTTP method. */
export type RouteTable<Request> = Readonly<Record<string, Readonly<Partial<Record<string, Route<Request>>>>>>;

/**
 * Picks the route for a REST API proxy event: `event.resource` is the template API Gateway matched,
 * so one function can serve several resources. An unknown resource is 404, a known one with another
 * method 405; neither echoes the path, which can carry an IP.
 */
export function selectRoute<Request>(routes: RouteTable<Request>, event: Pick<APIGatewayProxyEvent, 'resource' | 'httpMethod'>): Route<Request> {
  const methods = Object.hasOwn(routes, event.resource) ? routes[event.resource]! : undefined;
  if (!methods) throw new HttpError(404, 'NOT_FOUND', 'No such route.');
  const route = Object.hasOwn(methods, event.httpMethod) ? methods[event.httpMethod] : undefined;
  if (!route) {
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `Allowed methods: ${Object.keys(methods).join(', ')}.`, {
      allowed: Object.keys(methods),
    });
  }
  return route;
}
