import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ApiHandler } from '../http/middleware.js';
import { selectRoute, type RouteTable } from '../http/router.js';
import type { TenantDirectory } from './tenant-directory.js';

/** A request with the tenant its API key maps to: every data key a route builds starts from this id. */
export interface TenantRequest {
  readonly event: APIGatewayProxyEvent;
  readonly tenantId: string;
}

/** An API whose routes run for the calling tenant only: the key is resolved (or refused) before any route. */
export function tenantApi(tenants: TenantDirectory, routes: RouteTable<TenantRequest>): ApiHandler {
  return async (event) => {
    const tenantId = tenants.tenantOf(event);
    return selectRoute(routes, event)({ event, tenantId });
  };
}
