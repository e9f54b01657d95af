import { ROUTE_BODY_LIMITS } from '../shared/http/body-limits.js';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ApiHandler } from '../shared/http/middleware.js';
import { HttpError, badRequest } from '../shared/http/http-error.js';
import { parseJsonBody } from '../shared/http/json-body.js';
import { queryParameters } from '../shared/http/query.js';
import { jsonResponse } from '../shared/http/responses.js';
import { selectRoute, type RouteTable } from '../shared/http/router.js';
import type { Enricher, Enrichment } from '../shared/enrichment/enricher.js';
import { parsePublicIp } from '../shared/ip/public-ip.js';
import type { TenantDirectory } from '../shared/tenants/tenant-directory.js';

export const MAX_BATCH_SIZE = 100;
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
        queryParameters(event, []);
        return jsonResponse(200, enricher.enrich(parsePublicIp(event.pathParameters?.ip)));
      },
    },
    '/v1/enrich': {
      POST: async (event) => {
        queryParameters(event, []);
        const ips = batchFromBody(parseJsonBody(event, MAX_BATCH_BODY_BYTES));
        return jsonResponse(200, { results: ips.map((ip) => enrichOneOfBatch(enricher, ip)) });
      },
    },
    '/v1/health': {
      GET: async (event) => {
        queryParameters(event, []);
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

function batchFromBody(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('INVALID_BODY', 'The body must be a JSON object: { "ips": ["…", …] }.');
  }
  const unknown = Object.keys(body).find((field) => field !== 'ips');
  if (unknown !== undefined) throw badRequest('UNKNOWN_FIELD', `Unknown field "${unknown}". Allowed: ips.`, { field: unknown });
  const { ips } = body as { ips?: unknown };
  if (!Array.isArray(ips)) throw badRequest('INVALID_BODY', '"ips" must be an array of IP address strings.', { field: 'ips' });
  if (ips.length === 0) throw badRequest('INVALID_BODY', '"ips" must hold at least one address.', { field: 'ips' });
  if (ips.length > MAX_BATCH_SIZE) {
    throw badRequest('BATCH_TOO_LARGE', `A batch holds at most ${MAX_BATCH_SIZE} addresses; split it into several requests.`, {
      maxItems: MAX_BATCH_SIZE,
    });
  }
  const index = ips.findIndex((ip) => typeof ip !== 'string');
  if (index >= 0) throw badRequest('INVALID_BODY', `"ips[${index}]" is not a string.`, { field: `ips[${index}]` });
  return ips as string[];
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
