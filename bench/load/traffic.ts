import type { Request } from 'autocannon';

export type RouteName = 'enrich' | 'batch' | 'record-visit' | 'list-visits';

/** What the load generator saw, per route and status, and the visits the API said it stored. */
export interface TrafficTally {
  readonly statuses: Record<RouteName, Record<number, number>>;
  /** visitId of every 201 answer to POST /v1/visits. */
  readonly storedVisitIds: string[];
  /** 503 answers without a Retry-After header. */
  missingRetryAfter: number;
}

export function emptyTally(): TrafficTally {
  return { statuses: { enrich: {}, batch: {}, 'record-visit': {}, 'list-visits': {} }, storedVisitIds: [], missingRetryAfter: 0 };
}

export interface TrafficInputs {
  readonly apiKey: string;
  /** Random public addresses (mostly no organisation: looked up, answered, never stored). */
  readonly addresses: readonly string[];
  /** Addresses on organisation networks: their visits are stored (201). */
  readonly organisationVisitors: readonly string[];
}

/** Per connection, this cycle repeats: 5 single lookups, 1 batch of 10, 3 visits (2 of organisations), 1 listing. */
const CYCLE: readonly RouteName[] = ['enrich', 'record-visit', 'enrich', 'batch', 'enrich', 'record-visit', 'enrich', 'list-visits', 'enrich', 'record-visit'];
const BATCH_SIZE = 10;

/**
 * The autocannon request cycle mixing the API's traffic: lookups, batches, recorded visits and
 * listings, each with the next address of the sample, tallying every answer.
 */
export function mixedRequests(inputs: TrafficInputs, tally: TrafficTally): Request[] {
  let next = 0;
  const address = () => inputs.addresses[next++ % inputs.addresses.length]!;
  let visits = 0;
  const visitor = () => (visits++ % 3 === 2 ? address() : inputs.organisationVisitors[visits % inputs.organisationVisitors.length]!);
  const headers = { 'x-api-key': inputs.apiKey, 'content-type': 'application/json' };

  const count = (route: RouteName) => (status: number, body: string, _context: object, responseHeaders: Record<string, unknown>) => {
    tally.statuses[route][status] = (tally.statuses[route][status] ?? 0) + 1;
    if (status === 503 && responseHeaders['retry-after'] === undefined) tally.missingRetryAfter++;
    if (route === 'record-visit' && status === 201) tally.storedVisitIds.push((JSON.parse(body) as { visit: { visitId: string } }).visit.visitId);
  };
  const requests: Record<RouteName, Request> = {
    enrich: { method: 'GET', headers, setupRequest: (request) => ({ ...request, path: `/v1/enrich/${encodeURIComponent(address())}` }) },
    batch: {
      method: 'POST',
      path: '/v1/enrich',
      headers,
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ ips: Array.from({ length: BATCH_SIZE }, address) }) }),
    },
    'record-visit': {
      method: 'POST',
      path: '/v1/visits',
      headers,
      setupRequest: (request) => ({
        ...request,
        body: JSON.stringify({ siteId: 'load.example', pageUrl: `https://load.example/page/${next % 50}`, visitorIp: visitor() }),
      }),
    },
    'list-visits': { method: 'GET', path: '/v1/visits?limit=20', headers },
  };
  return CYCLE.map((route) => ({ ...requests[route], onResponse: count(route) as Request['onResponse'] }));
}
