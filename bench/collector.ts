// The public collector: the snippet's size (raw and gzipped), the warm latency of the real collect
// handler (lambdas/collect/handler.ts, its SDK clients on DynamoDB Local and the Secrets Manager
// stand-in) and the cost per million page views. Part of `npm run bench`; alone:
//   npx tsx bench/collector.ts
import { gzipSync, brotliCompressSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { snippetFile } from '../lambdas/collect/snippet/snippet-file.js';
import { createEnricher } from '../lambdas/shared/enrichment/enricher.js';
import { MmdbDatabase } from '../lambdas/shared/enrichment/mmdb-database.js';
import { parsePublicIp } from '../lambdas/shared/ip/public-ip.js';
import { ORGANISATION_CLASSIFICATIONS } from '../lambdas/shared/enrichment/classify.js';
import { lambdaContext, proxyEvent } from '../test/support/api-gateway-events.js';
import { BROWSER_USER_AGENT } from '../test/support/collector-harness.js';
import { ensureDefaultDatabase } from '../layers/mmdb/default-database.js';
import { AWS_PRICES } from './prices.js';
import { FUNCTION_MEMORY_MB, LAMBDA_CPU_SLOWDOWN, scenario, type CostScenario } from './cost.js';
import type { LatencyFigures } from './handler-latency.js';
import { samplePublicAddresses } from './support/addresses.js';
import { startLocalBackends, type LocalBackends } from './support/local-backends.js';
import { mean, median, percentileOfSorted } from './support/statistics.js';
import { measureVisitWriteUnits, type VisitWriteUnits } from './visit-write-units.js';

/** The goal for the snippet: under 1.5 KB gzipped. */
export const SNIPPET_GZIP_GOAL_BYTES = 1536;
/** One UpdateItem on the site's counter item (< 1 KB): 1 WRU, also when its condition fails. */
const CEILING_WRITE_UNITS = 1;

const SITE_KEY = 'pk_bench_site_0123456789abcdef';
const SITE_ORIGIN = 'https://www.bench.example';

export type CollectorVariant = 'page view stored' | 'page view not stored' | 'snippet';

export interface CollectorBenchmark {
  readonly snippet: { readonly rawBytes: number; readonly gzipBytes: number; readonly brotliBytes: number; readonly goalBytes: number };
  readonly invocationsPerRound: number;
  readonly rounds: number;
  readonly latency: Readonly<Record<CollectorVariant, LatencyFigures>>;
  readonly cost: readonly CostScenario[];
}

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export function measureSnippet(): CollectorBenchmark['snippet'] {
  const bytes = Buffer.from(snippetFile().source, 'utf8');
  return { rawBytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length, brotliBytes: brotliCompressSync(bytes).length, goalBytes: SNIPPET_GZIP_GOAL_BYTES };
}

/**
 * Imports the collect handler with the deployed function's environment pointed at the local backends
 * (this process's environment is set for it) and times its variants, in this process, stdout captured.
 */
export async function benchmarkCollector(options: {
  readonly databasePath: string;
  readonly backends: LocalBackends;
  readonly invocations?: number;
  readonly warmup?: number;
  readonly rounds?: number;
}): Promise<CollectorBenchmark> {
  const invocations = options.invocations ?? 2_000;
  const warmup = options.warmup ?? 300;
  const rounds = options.rounds ?? 3;
  const site = { tenantId: 'bench-tenant', siteId: 'www.bench.example', allowedOrigins: [SITE_ORIGIN], honourGlobalPrivacyControl: true, honourDoNotTrack: true, pageViewsPerMinute: 100_000 };
  Object.assign(process.env, options.backends.handlerEnvironment, { COLLECTOR_SITES: JSON.stringify({ [SITE_KEY]: site }) });
  const { handler } = (await import('../lambdas/collect/handler.js')) as { handler: Handler };

  const enricher = createEnricher(MmdbDatabase.open(options.databasePath));
  const addresses = samplePublicAddresses(5_000);
  const isOrganisation = (ip: string) => ORGANISATION_CLASSIFICATIONS.has(enricher.enrich(parsePublicIp(ip)).classification);
  const organisations = addresses.filter(isOrganisation);
  const others = addresses.filter((ip) => !isOrganisation(ip));
  const pick = (list: readonly string[], i: number) => list[(i * 7919) % list.length]!;
  const beacon = (visitors: readonly string[]) => (i: number) =>
    proxyEvent({
      method: 'POST',
      resource: '/v1/collect',
      apiKeyId: null,
      sourceIp: pick(visitors, i),
      body: JSON.stringify({ siteKey: SITE_KEY, pageUrl: `${SITE_ORIGIN}/pricing/${i % 50}`, referrer: 'https://search.example/' }),
      headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: SITE_ORIGIN, 'User-Agent': BROWSER_USER_AGENT },
    });
  const variants: Record<CollectorVariant, { event: (i: number) => APIGatewayProxyEvent; status: number }> = {
    'page view stored': { event: beacon(organisations), status: 204 },
    'page view not stored': { event: beacon(others), status: 204 },
    snippet: { event: () => proxyEvent({ method: 'GET', resource: '/v1/snippet.js', apiKeyId: null, query: { v: snippetFile().version } }), status: 200 },
  };

  const latency = {} as Record<CollectorVariant, LatencyFigures>;
  for (const [name, variant] of Object.entries(variants) as Array<[CollectorVariant, (typeof variants)[CollectorVariant]]>) {
    await timed(handler, variant.event, variant.status, warmup);
    const measured: LatencyFigures[] = [];
    for (let round = 0; round < rounds; round++) measured.push(await timed(handler, variant.event, variant.status, invocations));
    latency[name] = Object.fromEntries(
      (Object.keys(measured[0]!) as Array<keyof LatencyFigures>).map((figure) => [figure, median(measured.map((m) => m[figure]))]),
    ) as unknown as LatencyFigures;
  }
  // The run stored visits through the collector: what one of them cost to write.
  const visitWriteUnits = await measureVisitWriteUnits(options.backends.dynamoDbEndpoint, options.backends.tableName);
  return { snippet: measureSnippet(), invocationsPerRound: invocations, rounds, latency, cost: pageViewCost(latency, visitWriteUnits) };
}

/** `count` invocations of one variant; the handler's log lines (stdout) are counted and swallowed. */
async function timed(handler: Handler, event: (i: number) => APIGatewayProxyEvent, status: number, count: number): Promise<LatencyFigures> {
  const events = Array.from({ length: count }, (_, i) => event(i));
  const context = lambdaContext('collect');
  const durations = new Float64Array(count);
  let responseBytes = 0;
  let logBytes = 0;
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    logBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    return true;
  }) as typeof process.stdout.write;
  try {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const result = await handler(events[i]!, context);
      durations[i] = performance.now() - started;
      if (result.statusCode !== status) throw new Error(`the collector answered ${result.statusCode}, expected ${status}: ${result.body.slice(0, 200)}`);
      responseBytes += Buffer.byteLength(result.body) + Buffer.byteLength(JSON.stringify(result.headers ?? {}));
    }
  } finally {
    process.stdout.write = write;
  }
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    p50: percentileOfSorted(sorted, 50),
    p99: percentileOfSorted(sorted, 99),
    mean: mean(durations),
    meanBilledMilliseconds: mean(durations.map(Math.ceil)),
    meanBilledMillisecondsAtLambdaCpuShare: mean(durations.map((d) => Math.ceil(d * LAMBDA_CPU_SLOWDOWN))),
    logBytesPerInvocation: logBytes / count,
    responseBytesPerInvocation: responseBytes / count,
  };
}

/** Every page view is one beacon (the snippet itself is cached a year per browser: not counted). */
function pageViewCost(latency: Readonly<Record<CollectorVariant, LatencyFigures>>, units: VisitWriteUnits): CostScenario[] {
  const ceiling = { item: `DynamoDB per-site ceiling (${CEILING_WRITE_UNITS} WRU UpdateItem per page view)`, usd: 1e6 * CEILING_WRITE_UNITS * AWS_PRICES.dynamoDbWriteRequestUnit.usd };
  return [
    scenario('1M page views, every visitor on an organisation network (all stored: upper bound)', 'visits', 1e6, latency['page view stored'], [
      ceiling,
      { item: `DynamoDB visit writes (${units.table} WRU table + ${units.indexes} WRU index per visit)`, usd: 1e6 * units.total * AWS_PRICES.dynamoDbWriteRequestUnit.usd },
    ]),
    scenario('1M page views, no visitor on an organisation network (none stored)', 'visits', 1e6, latency['page view not stored'], [ceiling]),
  ];
}

export function renderCollectorReport(result: CollectorBenchmark): string {
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const { snippet } = result;
  const lines = [
    'Public collector (POST /v1/collect) and snippet (GET /v1/snippet.js)',
    `  snippet: ${snippet.rawBytes} B raw, ${snippet.gzipBytes} B gzip -9, ${snippet.brotliBytes} B brotli; goal < ${snippet.goalBytes} B gzipped: ${snippet.gzipBytes < snippet.goalBytes ? 'met' : 'MISSED'}`,
    `  warm latency, in process, ${result.rounds} rounds of ${result.invocationsPerRound} invocations, median of the rounds (real handler, DynamoDB Local):`,
    ...(Object.entries(result.latency) as Array<[CollectorVariant, LatencyFigures]>).map(
      ([name, figures]) => `    ${name.padEnd(22)} p50 ${ms(figures.p50)} · p99 ${ms(figures.p99)} · mean billed ${ms(figures.meanBilledMilliseconds)} · ${Math.round(figures.logBytesPerInvocation)} B logged`,
    ),
    `  cost per million page views, eu-central-1, USD (Lambda ${FUNCTION_MEMORY_MB} MB Arm; bench/prices.ts):`,
    ...result.cost.flatMap((cost) => [
      `    ${cost.name}: $${cost.totalUsd.toFixed(2)} (CPU-share estimate $${cost.totalUsdAtLambdaCpuShare.toFixed(2)})`,
      ...cost.lines.map((line) => `      ${line.item}: $${line.usd.toFixed(3)}`),
    ]),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const databasePath = await ensureDefaultDatabase();
  const backends = await startLocalBackends(databasePath);
  try {
    const result = await benchmarkCollector({ databasePath, backends });
    console.log(renderCollectorReport(result));
  } finally {
    await backends.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
