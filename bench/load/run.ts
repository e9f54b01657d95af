/**
 * `npm run load`: drives the local stack — the real handlers in their middleware behind the local API
 * Gateway adapter, DynamoDB Local — on 127.0.0.1 with a bounded open-model load (autocannon at a fixed
 * overall rate over a fixed number of connections, for a fixed time), mixing lookups, batches, recorded
 * visits and listings. Two runs:
 *   steady   DynamoDB Local as it is;
 *   faults   through a proxy that answers a share of DynamoDB requests with throttling (400
 *            ProvisionedThroughputExceededException) or 500 InternalServerError.
 * Each reports requests per second, p50/p99 latency, answers by route and status, the API process's
 * peak memory, and checks that the table holds exactly the visits answered 201 (none missing, none
 * extra, none twice) and that no answer was a 500 (faults: 503 with Retry-After instead). Exits 1 if a
 * check fails. Stops by itself.
 *
 *   LOAD_RATE=300        requests per second offered (overall)
 *   LOAD_SECONDS=10      duration of each run
 *   LOAD_CONNECTIONS=16  concurrent connections
 *   LOAD_FAULT_RATE=0.3  share of DynamoDB requests that fail in the fault run (2/3 throttling, 1/3 errors)
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../../bin/local/dynamodb-local.js';
import type { LocalApiOptions } from '../../bin/local/local-api.js';
import { localDocumentClient, localDynamoDbClient } from '../../bin/local/local-aws.js';
import { createVisitsTable } from '../../bin/local/visits-table.js';
import { ensureDefaultDatabase } from '../../layers/mmdb/default-database.js';
import { createEnricher } from '../../lambdas/shared/enrichment/enricher.js';
import { MmdbDatabase } from '../../lambdas/shared/enrichment/mmdb-database.js';
import { DEFAULT_VISIT_SHARDS } from '../../lambdas/shared/visits/table-schema.js';
import { startDynamoDbFaultProxy, type DynamoDbFaultProxy } from '../../test/support/dynamodb-fault-proxy.js';
import { samplePublicAddresses } from '../support/addresses.js';
import { organisationVisitors } from '../support/organisation-visitors.js';
import { emptyTally, mixedRequests, type TrafficTally } from './traffic.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TABLE = 'visits';
const API_KEY = { tenantId: 'load-tenant', apiKeyId: 'load-key-id', apiKey: 'load-api-key-0123456789abcdef' };

const settings = {
  rate: positive('LOAD_RATE', 300),
  seconds: positive('LOAD_SECONDS', 10),
  connections: positive('LOAD_CONNECTIONS', 16),
  faultRate: fraction('LOAD_FAULT_RATE', 0.3),
};

interface RunReport {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly seconds: number;
  readonly connectionErrors: number;
  readonly timeouts: number;
  readonly tally: TrafficTally;
  readonly peakRssBytes: number;
  readonly injected?: DynamoDbFaultProxy['counts'];
  readonly stored: { readonly inTable: number; readonly missing: number; readonly extra: number; readonly duplicated: number };
  readonly failures: string[];
}

async function main(): Promise<void> {
  const mmdbPath = await ensureDefaultDatabase();
  const enricher = createEnricher(MmdbDatabase.open(mmdbPath));
  const addresses = samplePublicAddresses(5_000);
  const inputs = { apiKey: API_KEY.apiKey, addresses, organisationVisitors: organisationVisitors(addresses, enricher) };
  process.stderr.write(
    `load: ${settings.rate} req/s offered over ${settings.connections} connections for ${settings.seconds} s per run, ` +
      `${inputs.organisationVisitors.length} organisation visitors in a sample of ${addresses.length} addresses\n`,
  );

  const reports: RunReport[] = [];
  for (const faults of [false, true]) {
    const dynamo = await startDynamoDbLocal();
    const proxy = faults ? await startDynamoDbFaultProxy(dynamo.endpoint) : undefined;
    try {
      const admin = localDynamoDbClient(dynamo.endpoint);
      await createVisitsTable(admin, TABLE);
      admin.destroy();
      proxy?.setPolicy({ rates: { throttle: (settings.faultRate * 2) / 3, error: settings.faultRate / 3 } });
      reports.push(await run(faults ? 'faults' : 'steady', { mmdbPath, dynamoDbEndpoint: proxy?.endpoint ?? dynamo.endpoint, inputs }));
      if (proxy) (reports.at(-1) as { injected?: unknown }).injected = { ...proxy.counts };
      proxy?.setPolicy({});
      Object.assign(reports.at(-1)!, await checkTable(dynamo.endpoint, reports.at(-1)!));
    } finally {
      await proxy?.stop();
      await dynamo.stop();
    }
  }
  process.stdout.write(render(reports));
  if (reports.some((report) => report.failures.length > 0)) process.exitCode = 1;
}

async function run(name: string, { mmdbPath, dynamoDbEndpoint, inputs }: { mmdbPath: string; dynamoDbEndpoint: string; inputs: Parameters<typeof mixedRequests>[0] }): Promise<RunReport> {
  const work = mkdtempSync(path.join(tmpdir(), 'load-'));
  const options: Omit<LocalApiOptions, 'port'> = {
    mmdbPath,
    dynamoDbEndpoint,
    tableName: TABLE,
    apiKeys: [API_KEY],
    pseudonymSecret: 'load-pseudonym-secret-0123456789abcdef0123456789abcdef',
    retentionDays: 30,
    visitShards: DEFAULT_VISIT_SHARDS,
  };
  writeFileSync(path.join(work, 'options.json'), JSON.stringify(options));
  const child = fork(path.join(HERE, 'api-server-child.ts'), [path.join(work, 'options.json')], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // The functions' logs are read for unhandled errors only (ERROR lines), not shown.
  let errorLines = 0;
  const countErrors = (chunk: Buffer) => {
    errorLines += chunk.toString().split('\n').filter((line) => line.includes('"level":"ERROR"')).length;
  };
  child.stdout!.on('data', countErrors);
  child.stderr!.on('data', countErrors);
  try {
    const { url } = await nextMessage<{ url: string }>(child);
    const tally = emptyTally();
    const result = await autocannon({
      url,
      connections: settings.connections,
      overallRate: settings.rate,
      // A request count, not a duration: autocannon then waits for every answer, so no visit is stored
      // after the tally closed. At the offered rate this takes LOAD_SECONDS; longer if the API falls behind.
      amount: settings.rate * settings.seconds,
      timeout: 29, // API Gateway's integration timeout: a slower answer would be a 504 there
      requests: mixedRequests(inputs, tally),
    });
    child.send('stop');
    const { peakRssBytes } = await nextMessage<{ peakRssBytes: number }>(child);
    const failures: string[] = [];
    const serverErrors = Object.values(tally.statuses).reduce((sum, byStatus) => sum + (byStatus[500] ?? 0), 0);
    if (serverErrors > 0) failures.push(`${serverErrors} answers were 500`);
    if (errorLines > 0) failures.push(`${errorLines} ERROR log lines (unhandled errors)`);
    if (tally.missingRetryAfter > 0) failures.push(`${tally.missingRetryAfter} answers were 503 without Retry-After`);
    if (result.errors > 0 || result.timeouts > 0) failures.push(`${result.errors} connection errors, ${result.timeouts} timeouts`);
    const unexpected = Object.entries(tally.statuses).flatMap(([route, byStatus]) =>
      Object.keys(byStatus)
        .map(Number)
        .filter((status) => !(status === 200 || status === 201 || status === 503))
        .map((status) => `${route} ${status}`),
    );
    if (unexpected.length > 0) failures.push(`unexpected answers: ${unexpected.join(', ')}`);
    if (name === 'steady' && Object.values(tally.statuses).some((byStatus) => byStatus[503])) failures.push('503 answers without injected faults');
    return {
      name,
      requestsPerSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      requests: result.requests.total,
      seconds: result.duration,
      connectionErrors: result.errors,
      timeouts: result.timeouts,
      tally,
      peakRssBytes,
      stored: { inTable: 0, missing: 0, extra: 0, duplicated: 0 },
      failures,
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

/** Reads the whole table straight from DynamoDB Local and compares it with the 201 answers. */
async function checkTable(endpoint: string, report: RunReport): Promise<Pick<RunReport, 'stored' | 'failures'>> {
  const client = localDocumentClient(endpoint);
  const visitIds: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey: startKey, ConsistentRead: true }));
    visitIds.push(...(page.Items ?? []).map((item) => String(item.visitId)));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  client.destroy();
  const answered = new Set(report.tally.storedVisitIds);
  const inTable = new Set(visitIds);
  const stored = {
    inTable: visitIds.length,
    missing: [...answered].filter((id) => !inTable.has(id)).length,
    extra: [...inTable].filter((id) => !answered.has(id)).length,
    duplicated: visitIds.length - inTable.size + (report.tally.storedVisitIds.length - answered.size),
  };
  const failures = [...report.failures];
  if (stored.missing > 0) failures.push(`${stored.missing} visits answered 201 are not in the table`);
  if (stored.extra > 0) failures.push(`${stored.extra} visits in the table were never answered 201`);
  if (stored.duplicated > 0) failures.push(`${stored.duplicated} visits stored or answered twice`);
  return { stored, failures };
}

function render(reports: readonly RunReport[]): string {
  const lines = ['', `Load test: ${settings.rate} req/s offered, ${settings.connections} connections, ${settings.seconds} s per run (127.0.0.1, DynamoDB Local)`, ''];
  for (const report of reports) {
    lines.push(`${report.name}:`);
    lines.push(`  sustained ${report.requestsPerSecond.toFixed(0)} req/s, ${report.requests} requests in ${report.seconds.toFixed(1)} s, latency p50 ${report.p50Ms} ms, p99 ${report.p99Ms} ms`);
    lines.push(`  API process peak memory (max RSS) ${(report.peakRssBytes / 2 ** 20).toFixed(0)} MiB`);
    for (const [route, byStatus] of Object.entries(report.tally.statuses)) {
      lines.push(`  ${route.padEnd(12)} ${Object.entries(byStatus).map(([status, count]) => `${status}: ${count}`).join(', ') || '-'}`);
    }
    if (report.injected) {
      lines.push(`  injected DynamoDB faults: ${report.injected.throttle} throttled, ${report.injected.error} 500s (${report.injected.forwarded} requests passed)`);
    }
    lines.push(`  connection errors ${report.connectionErrors}, timeouts ${report.timeouts}`);
    lines.push(
      `  table: ${report.stored.inTable} visits; answered 201: ${report.tally.storedVisitIds.length}; missing ${report.stored.missing}, extra ${report.stored.extra}, twice ${report.stored.duplicated}`,
    );
    lines.push(report.failures.length === 0 ? '  checks: passed' : `  checks FAILED: ${report.failures.join('; ')}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function nextMessage<T>(child: ReturnType<typeof fork>): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the API process exited (${code}) before answering`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number above 0`);
  return value;
}

function fraction(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!(value >= 0 && value < 1)) throw new Error(`${name} must be a number from 0 to below 1`);
  return value;
}

main().catch((error: unknown) => {
  process.stderr.write(`load test failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
