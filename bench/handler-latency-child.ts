// Child process of bench/handler-latency.ts: imports the handlers with the environment the parent
// set (the deployed functions' variables, pointed at local backends), invokes them in process and
// reports the figures over IPC. Its stdout goes to /dev/null: that is where the handlers' log lines
// go, and this process counts their bytes on the way.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createEnrichApi } from '../lambdas/enrich/enrich-api.js';
import { createEnricher, type Enricher } from '../lambdas/shared/enrichment/enricher.js';
import type { IpAddress } from '../lambdas/shared/ip/ip-address.js';
import { MmdbDatabase } from '../lambdas/shared/enrichment/mmdb-database.js';
import { httpApi } from '../lambdas/shared/http/middleware.js';
import { parsePublicIp } from '../lambdas/shared/ip/public-ip.js';
import { createLogger } from '../lambdas/shared/logging/logger.js';
import { TenantDirectory } from '../lambdas/shared/tenants/tenant-directory.js';
import { deriveVisitKeys } from '../lambdas/shared/visits/visit-keys.js';
import { VisitsRepository } from '../lambdas/shared/visits/visits-repository.js';
import { createVisitsApi } from '../lambdas/visits/visits-api.js';
import { lambdaContext, proxyEvent } from '../test/support/api-gateway-events.js';
import type { HandlerLatencyConfig, LatencyRound, LatencyVariantName } from './handler-latency.js';
import { BENCH_API_KEY_ID, BENCH_PSEUDONYM_SECRET, BENCH_RETENTION_DAYS } from './support/local-backends.js';
import { organisationVisitors } from './support/organisation-visitors.js';
import { mean, percentileOfSorted } from './support/statistics.js';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

interface Variant {
  readonly name: LatencyVariantName;
  readonly handler: Handler;
  readonly event: (i: number) => APIGatewayProxyEvent;
  readonly expectedStatus: number;
}

let logBytes = 0;
const writeStdout = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  logBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
  return writeStdout(chunk, ...rest);
}) as typeof process.stdout.write;

process.on('disconnect', () => process.exit(1)); // the parent is gone: stop

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as HandlerLatencyConfig;
const addresses = readFileSync(config.addressFile, 'utf8').split('\n').filter(Boolean);

const { handler: enrichHandler } = await import('../lambdas/enrich/handler.js');
const { handler: visitsHandler } = await import('../lambdas/visits/handler.js');

const databasePath = process.env.MMDB_PATH!;
const enricher = createEnricher(MmdbDatabase.open(databasePath));
const tenants = TenantDirectory.fromJson(process.env.TENANT_API_KEYS);
const visitors = organisationVisitors(addresses, enricher);

/** The enrich API and middleware as lambdas/enrich/handler.ts wires them, with an enricher that answers without the database. */
function enrichWithoutDatabase(): Handler {
  const template = enricher.enrichWithPrefixLength(parsePublicIp(addresses.find((ip) => enricher.enrich(parsePublicIp(ip)).found)!));
  const fixed = (address: IpAddress) => ({ ...template.enrichment, ip: address.text });
  const fixedAnswer: Enricher = {
    database: enricher.database,
    source: enricher.source,
    enrich: fixed,
    enrichWithPrefixLength: (address) => ({ enrichment: fixed(address), prefixLength: template.prefixLength }),
  };
  return httpApi(createEnrichApi({ enricher: fixedAnswer, tenants }), createLogger('enrich'));
}

/** A DynamoDB client whose requests never leave the process: each PutItem is answered `{}` at once. */
function inMemoryDynamoDb(): DynamoDBDocumentClient {
  const requestHandler = {
    handle: async () => ({
      response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([Buffer.from('{}')]) },
    }),
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'eu-central-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      requestHandler: requestHandler as never,
    }),
  );
}

/** The visits API as lambdas/visits/handler.ts wires it, but with the in-memory DynamoDB client and the keys at hand. */
function visitsWithoutDatabase(): Handler {
  const logger = createLogger('visits');
  const client = inMemoryDynamoDb();
  const keys = deriveVisitKeys(BENCH_PSEUDONYM_SECRET);
  return httpApi(
    createVisitsApi({
      enricher,
      tenants,
      visitsOf: (tenantId) => new VisitsRepository({ client, tableName: 'in-memory', tenantId }),
      keys: async () => keys,
      retentionDays: BENCH_RETENTION_DAYS,
      clock: () => new Date(),
      newVisitId: randomUUID,
      logger,
    }),
    logger,
  );
}

const pick = <T>(list: readonly T[], i: number): T => list[(i * 7919) % list.length]!;
const enrichOne = (i: number) =>
  proxyEvent({ method: 'GET', resource: '/v1/enrich/{ip}', pathParameters: { ip: pick(addresses, i) }, apiKeyId: BENCH_API_KEY_ID });
const enrichBatch = (i: number) =>
  proxyEvent({
    method: 'POST',
    resource: '/v1/enrich',
    body: { ips: Array.from({ length: 100 }, (_, k) => pick(addresses, i * 100 + k)) },
    apiKeyId: BENCH_API_KEY_ID,
  });
const recordVisit = (i: number) =>
  proxyEvent({
    method: 'POST',
    resource: '/v1/visits',
    body: { siteId: 'bench-site', pageUrl: `https://www.example.com/pricing/${i % 50}`, visitorIp: pick(visitors, i) },
    apiKeyId: BENCH_API_KEY_ID,
  });

const enrichHandlerWithoutDatabase = enrichWithoutDatabase();
const variants: Variant[] = [
  { name: 'enrich-one', handler: enrichHandler, event: enrichOne, expectedStatus: 200 },
  { name: 'enrich-one without database', handler: enrichHandlerWithoutDatabase, event: enrichOne, expectedStatus: 200 },
  { name: 'enrich-batch', handler: enrichHandler, event: enrichBatch, expectedStatus: 200 },
  { name: 'enrich-batch without database', handler: enrichHandlerWithoutDatabase, event: enrichBatch, expectedStatus: 200 },
  { name: 'record-visit', handler: visitsHandler, event: recordVisit, expectedStatus: 201 },
  { name: 'record-visit without database', handler: visitsWithoutDatabase(), event: recordVisit, expectedStatus: 201 },
];

function responseBytes(result: APIGatewayProxyResult): number {
  const headers = Object.entries(result.headers ?? {}).reduce((sum, [name, value]) => sum + name.length + String(value).length + 4, 0);
  return Buffer.byteLength(result.body) + headers;
}

async function invoke(variant: Variant, i: number): Promise<{ milliseconds: number; bytes: number }> {
  const event = variant.event(i);
  const context = lambdaContext(`bench-${variant.name.replaceAll(' ', '-')}`);
  const started = performance.now();
  const result = await variant.handler(event, context);
  const milliseconds = performance.now() - started;
  if (result.statusCode !== variant.expectedStatus) {
    throw new Error(`${variant.name} answered ${result.statusCode} instead of ${variant.expectedStatus}: ${result.body.slice(0, 200)}`);
  }
  return { milliseconds, bytes: responseBytes(result) };
}

async function measureRound(variant: Variant, round: number): Promise<LatencyRound> {
  const durations = new Float64Array(config.invocations);
  let billedMilliseconds = 0;
  let billedAtLambdaCpuShare = 0;
  let bytes = 0;
  const logBytesBefore = logBytes;
  for (let i = 0; i < config.invocations; i++) {
    const outcome = await invoke(variant, (round + 1) * config.invocations + i);
    durations[i] = outcome.milliseconds;
    billedMilliseconds += Math.max(1, Math.ceil(outcome.milliseconds));
    billedAtLambdaCpuShare += Math.max(1, Math.ceil(outcome.milliseconds * config.cpuSlowdown));
    bytes += outcome.bytes;
  }
  durations.sort();
  return {
    p50: percentileOfSorted(durations, 50),
    p99: percentileOfSorted(durations, 99),
    mean: mean(durations),
    meanBilledMilliseconds: billedMilliseconds / config.invocations,
    meanBilledMillisecondsAtLambdaCpuShare: billedAtLambdaCpuShare / config.invocations,
    logBytesPerInvocation: (logBytes - logBytesBefore) / config.invocations,
    responseBytesPerInvocation: bytes / config.invocations,
  };
}

const rounds: Record<string, LatencyRound[]> = {};
for (const variant of variants) {
  for (let i = 0; i < config.warmup; i++) await invoke(variant, i);
  rounds[variant.name] = [];
}
// Rounds interleave the variants, so a slow phase of the machine does not land on one of them.
for (let round = 0; round < config.rounds; round++) {
  for (const variant of variants) rounds[variant.name]!.push(await measureRound(variant, round));
}
process.send!({ rounds, organisationVisitors: visitors.length }, () => process.exit(0));
