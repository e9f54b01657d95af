import { ROUTE_BODY_LIMITS } from '../shared/http/body-limits.js';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ApiHandler } from '../shared/http/middleware.js';
import { HttpError } from '../shared/http/http-error.js';
import { validBody, validQuery } from '../shared/http/request-validation.js';
import { jsonResponse } from '../shared/http/responses.js';
import { selectRoute, type RouteTable } from '../shared/http/router.js';
import type { Enricher, Enrichment } from '../shared/enrichment/enricher.js';
import { parsePublicIp } from '../shared/ip/public-ip.js';
import type { TenantDirectory } from '../shared/tenants/tenant-directory.js';

/** 100 IPv6 addresses in their longest text form fit with room to spare. */
export const MAX_BATCH_BODY_BYTES = ROUTE_BODY_LIMITS['/v1/enrich'];

export interface EnrichApiDeps {
  readonly enricher: Enricher;
  readonly tenants: TenantDirectory;
}

/** One entry of a batch answer: the enrichment, or why this one input could not be enriched. */
export type BatchResult = Enrichment | { readonly ip: string; readonly error: { readonly code: string; readonly message: string } };

/** GET /v1/enrich/{ip}, POST /v1/enrich (batch) and GET /v1/health, for any tenant's key. Stores nothing. */
export function createEnrichApi({ enricher, tenants }: EnrichApiDeps): ApiHandler {
  const routes: RouteTable<APIGatewayProxyEvent> = {
    '/v1/enrich/{ip}': {
      GET: async (event) => {
        validQuery(event);
        return jsonResponse(200, { ...enricher.enrich(parsePublicIp(event.pathParameters?.ip)), database: enricher.source });
      },
    },
    '/v1/enrich': {
      POST: async (event) => {
        validQuery(event);
        const { ips } = validBody<{ ips: string[] }>(event, MAX_BATCH_BODY_BYTES);
        // The database block (with its long attribution) once per response, not once per address.
        return jsonResponse(200, { database: enricher.source, results: ips.map((ip) => enrichOneOfBatch(enricher, ip)) });
      },
    },
    '/v1/health': {
      GET: async (event) => {
        validQuery(event);
        const { type, buildDate, description, ipVersion, recordCount } = enricher.database;
        return jsonResponse(200, { status: 'ok', database: { type, buildDate, attribution: description, ipVersion, recordCount } });
      },
    },
  };
  return async (event) => {
    tenants.tenantOf(event);
    return selectRoute(routes, event)(event);
  };
}

/** A bad address fails only its own entry; the caller gets its input back to match the answer up. */
function enrichOneOfBatch(enricher: Enricher, input: string): BatchResult {
  try {
    return enricher.enrich(parsePublicIp(input));
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { ip: input, error: { code: error.code, message: error.message } };
  }
}
