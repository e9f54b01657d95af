// `npm run bench`: every benchmark of the project in one run on this machine, printed as one table and
// written as JSON to bench/results/. Figures are medians of repeated runs; ratios are against
// baselines measured in the same run. Nothing is asserted: the goals are reported, met or missed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDefaultDatabase } from '../layers/mmdb/default-database.js';
import { createEnricher } from '../lambdas/shared/enrichment/enricher.js';
import { MmdbDatabase } from '../lambdas/shared/enrichment/mmdb-database.js';
import { proxyEvent } from '../test/support/api-gateway-events.js';
import { measureBundleSizes } from './bundle-size.js';
import { benchmarkCollector, renderCollectorReport } from './collector.js';
import { benchmarkColdStart } from './cold-start.js';
import { measureDatabaseOpen } from './database-open.js';
import { costPerMillion } from './cost.js';
import { benchmarkHandlerLatency } from './handler-latency.js';
import { benchmarkLookupThroughput } from './lookup-throughput.js';
import { benchmarkMmdbBuilderRuns } from './mmdb-builder-runs.js';
import { benchmarkRegistryBuild, renderRegistryBuild } from './registry-build.js';
import { evaluateRegistryClassification, renderRegistryEvaluation } from './registry-classification.js';
import { evaluateGoals, renderReport, type BenchmarkResults } from './report.js';
import { samplePublicAddresses } from './support/addresses.js';
import { buildLambdaBundles } from './support/lambda-bundles.js';
import { BENCH_API_KEY_ID, startLocalBackends, type LocalBackends } from './support/local-backends.js';
import { organisationVisitors } from './support/organisation-visitors.js';
import { measureVisitWriteUnits } from './visit-write-units.js';

const BENCH_DIRECTORY = path.dirname(fileURLToPath(import.meta.url));
const RESULTS_DIRECTORY = path.join(BENCH_DIRECTORY, 'results');
const BATCH_SIZE = 100;

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

async function step<T>(name: string, run: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  progress(`${name}…`);
  const result = await run();
  progress(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** The first requests of the cold starts: a lookup, and a stored visit (an organisation's visitor). */
function coldStartEvents(databasePath: string) {
  const addresses = samplePublicAddresses(5_000);
  const [visitor] = organisationVisitors(addresses, createEnricher(MmdbDatabase.open(databasePath)));
  return {
    enrich: proxyEvent({ method: 'GET', resource: '/v1/enrich/{ip}', pathParameters: { ip: addresses[0]! }, apiKeyId: BENCH_API_KEY_ID }),
    visits: proxyEvent({
      method: 'POST',
      resource: '/v1/visits',
      body: { siteId: 'bench-site', pageUrl: 'https://www.example.com/pricing', visitorIp: visitor },
      apiKeyId: BENCH_API_KEY_ID,
    }),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  execFileSync('bash', [path.join(BENCH_DIRECTORY, 'ensure-bench-deps.sh')], { stdio: 'inherit' });
  const databasePath = await ensureDefaultDatabase();

  const workDirectory = mkdtempSync(path.join(os.tmpdir(), 'eu-ip-bench-'));
  let backends: LocalBackends | undefined;
  const cleanUp = async () => {
    await backends?.stop();
    backends = undefined;
    rmSync(workDirectory, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  }

  try {
    const mmdbBuilder = await step('MMDB builder (3 builds of the default data set)', () => benchmarkMmdbBuilderRuns(3));
    const registryBuild = await step('RPSL build of a full-size synthetic RIPE dump over the default data', () => benchmarkRegistryBuild());
    const registryClassification = await step('registry classification on the evaluation set', () => evaluateRegistryClassification());
    const lookup = await step('lookup throughput', () => benchmarkLookupThroughput({ databasePath, workDirectory }));
    const addressFile = path.join(workDirectory, 'addresses.txt');
    backends = await step('starting DynamoDB Local and the Secrets Manager stand-in', () => startLocalBackends(databasePath));
    const local = backends;
    const latency = await step('warm handler latency', () =>
      benchmarkHandlerLatency({ addressFile, workDirectory, handlerEnvironment: local.handlerEnvironment, secretFetches: () => local.secrets.calls }),
    );
    const collector = await step('public collector: snippet size, warm latency, cost per page view', () => benchmarkCollector({ databasePath, backends: local }));
    const visitWriteUnits = await step('write units of a stored visit', () => measureVisitWriteUnits(local.dynamoDbEndpoint, local.tableName));
    const lambdaBundles = await step('bundling the functions', () => buildLambdaBundles(path.join(workDirectory, 'bundles')));
    const bundles = measureBundleSizes(lambdaBundles, databasePath);
    const coldStart = await step('cold starts', () =>
      benchmarkColdStart({ bundles: lambdaBundles, handlerEnvironment: local.handlerEnvironment, events: coldStartEvents(databasePath) }),
    );
    const databaseOpen = await step('opening the database in fresh processes', () => measureDatabaseOpen(databasePath));
    const cost = costPerMillion({
      enrichOne: latency.variants['enrich-one'],
      enrichBatch: latency.variants['enrich-batch'],
      recordVisit: latency.variants['record-visit'],
      visitWriteUnits,
      batchSize: BATCH_SIZE,
    });

    const results: BenchmarkResults = {
      startedAt,
      durationSeconds: (performance.now() - started) / 1000,
      machine: {
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cores: os.availableParallelism(),
        memoryGb: os.totalmem() / 1024 ** 3,
        node: process.version,
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
      },
      mmdbBuilder,
      lookup,
      latency,
      visitWriteUnits,
      bundles,
      coldStart,
      databaseOpen,
      cost,
      registryBuild,
      registryClassification,
      collector,
    };
    mkdirSync(RESULTS_DIRECTORY, { recursive: true });
    const json = `${JSON.stringify({ ...results, goals: evaluateGoals(results) }, null, 2)}\n`;
    const resultFile = path.join(RESULTS_DIRECTORY, `bench-${startedAt.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z')}.json`);
    writeFileSync(resultFile, json);
    writeFileSync(path.join(RESULTS_DIRECTORY, 'latest.json'), json);
    console.log(renderReport(results));
    console.log(`\n${renderRegistryBuild(registryBuild)}\n\n${renderRegistryEvaluation(registryClassification)}`);
    console.log(`\n${renderCollectorReport(collector)}`);
    console.log(`\nJSON: ${path.relative(process.cwd(), resultFile)} (and bench/results/latest.json)`);
  } finally {
    await cleanUp();
  }
}

await main();
