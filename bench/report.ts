// Turns one run's figures into the goals, the printed table and the method notes.
import type { BundleSizes } from './bundle-size.js';
import type { ColdStart, ColdStartFigures } from './cold-start.js';
import type { CollectorBenchmark } from './collector.js';
import { LAMBDA_CPU_SLOWDOWN, type CostPerMillion } from './cost.js';
import type { DatabaseOpen } from './database-open.js';
import type { HandlerLatency, LatencyFigures } from './handler-latency.js';
import type { LookupThroughput, ReaderThroughput } from './lookup-throughput.js';
import type { MmdbBuilderFigures } from './mmdb-builder-runs.js';
import { AWS_PRICES } from './prices.js';
import { formatBytes, formatMilliseconds, formatRate, formatRatio, formatUsd, renderTable, type TableRow } from './support/table.js';
import type { VisitWriteUnits } from './visit-write-units.js';
import type { RegistryBuildBenchmark } from './registry-build.js';
import type { RegistryEvaluation } from './registry-classification.js';

export interface BenchmarkResults {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly memoryGb: number; readonly node: string; readonly platform: string };
  readonly mmdbBuilder: MmdbBuilderFigures;
  readonly lookup: LookupThroughput;
  readonly latency: HandlerLatency;
  readonly visitWriteUnits: VisitWriteUnits;
  readonly bundles: BundleSizes;
  readonly coldStart: ColdStart;
  readonly databaseOpen: DatabaseOpen;
  readonly cost: CostPerMillion;
  /** Printed by their own renderers (bench/registry-build.ts, bench/registry-classification.ts), with their goals. */
  readonly registryBuild: RegistryBuildBenchmark;
  readonly registryClassification: RegistryEvaluation;
  /** The public collector and its snippet (bench/collector.ts). */
  readonly collector: CollectorBenchmark;
}

export interface Goal {
  readonly goal: string;
  readonly met: boolean;
  /** The figure against the goal, and by how much it is met or missed. */
  readonly verdict: string;
}

const BUNDLE_LIMIT_BYTES = 300_000;

export function evaluateGoals(results: BenchmarkResults): Record<'warmP99' | 'coldStart' | 'lookup' | 'bundles' | 'buildTime' | 'buildMemory' | 'buildSize', Goal> {
  const p99 = results.latency.variants['enrich-one'].p99;
  const cold = results.coldStart.variants;
  const coldRatio = cold.enrich.wallMilliseconds / cold['hello-world'].wallMilliseconds;
  const coldBudget = 1.5 * cold['hello-world'].wallMilliseconds;
  const lookupRatio = results.lookup.ours.ratioToCExtension;
  const largest = [...results.bundles.functions].sort((a, b) => b.minifiedBytes - a.minifiedBytes)[0]!;
  const { buildSeconds, peakRssMegabytes, sizeVersusMaxMind } = results.mmdbBuilder;
  const worstSize = Math.max(...sizeVersusMaxMind.map((row) => row.ratio));
  const verdict = (met: boolean, text: string) => `${met ? 'met' : 'MISSED'}: ${text}`;
  return {
    warmP99: {
      goal: 'warm enrich-one p99 < 1 ms in process',
      met: p99 < 1,
      verdict: verdict(p99 < 1, `p99 ${formatMilliseconds(p99)}, ${p99 < 1 ? `${(1 / p99).toFixed(0)}× under` : `${formatMilliseconds(p99 - 1)} over`}`),
    },
    coldStart: {
      goal: 'cold start within 1.5× of hello-world (default database)',
      met: coldRatio <= 1.5,
      verdict: verdict(
        coldRatio <= 1.5,
        `${formatRatio(coldRatio)}; ${coldRatio <= 1.5 ? `${formatMilliseconds(coldBudget - cold.enrich.wallMilliseconds)} to spare` : `${formatMilliseconds(cold.enrich.wallMilliseconds - coldBudget)} over the 1.5× budget of ${formatMilliseconds(coldBudget)}`} (CPU-time ratio ${formatRatio(cold.enrich.cpuMilliseconds / cold['hello-world'].cpuMilliseconds)})`,
      ),
    },
    lookup: {
      goal: 'lookup throughput ≥ ½ of the C reader (python3-maxminddb C extension)',
      met: lookupRatio >= 0.5,
      verdict: verdict(lookupRatio >= 0.5, `${formatRatio(lookupRatio)}${lookupRatio >= 0.5 ? '' : `; needs ${formatRatio(0.5 / lookupRatio)} the speed`}`),
    },
    bundles: {
      goal: 'each function bundle < 300 KB minified',
      met: largest.minifiedBytes < BUNDLE_LIMIT_BYTES,
      verdict: verdict(largest.minifiedBytes < BUNDLE_LIMIT_BYTES, `largest ${largest.name} ${formatBytes(largest.minifiedBytes)}`),
    },
    buildTime: {
      goal: 'MMDB builder: full default data set < 30 s (2 cores)',
      met: buildSeconds < 30,
      verdict: verdict(buildSeconds < 30, `${buildSeconds.toFixed(1)} s`),
    },
    buildMemory: {
      goal: 'MMDB builder: peak RSS < 1.5 GB',
      met: peakRssMegabytes < 1536,
      verdict: verdict(peakRssMegabytes < 1536, `${peakRssMegabytes.toFixed(0)} MB`),
    },
    buildSize: {
      goal: "MMDB builder: files within 1.25× of MaxMind's writer",
      met: worstSize <= 1.25,
      verdict: verdict(worstSize <= 1.25, `largest ratio ${worstSize.toFixed(3)}`),
    },
  };
}

const latencyCell = (figures: LatencyFigures) => `p50 ${formatMilliseconds(figures.p50)} · p99 ${formatMilliseconds(figures.p99)}`;
const ownShare = (total: LatencyFigures, own: LatencyFigures) => `own work ${Math.round((100 * own.p50) / total.p50)}% of p50`;

export function renderReport(results: BenchmarkResults): string {
  const goals = evaluateGoals(results);
  const { lookup, latency, coldStart, databaseOpen, bundles, cost, mmdbBuilder, visitWriteUnits } = results;
  const python = lookup.pythonCExtension;
  const variants = latency.variants;
  const cold = coldStart.variants;
  const hello = cold['hello-world'];
  const rows: TableRow[] = [];

  rows.push({ section: `Lookup throughput: default database, ${lookup.addresses.toLocaleString('en-US')} random public addresses (3 IPv4 : 1 IPv6), median of ${lookup.ours.rounds.length} interleaved rounds` });
  const versusC = (reader: ReaderThroughput, goal = ''): TableRow => ({
    cells: [reader.reader, formatRate(reader.lookupsPerSecond), `C extension ${formatRate(python.lookupsPerSecond)}`, formatRatio(reader.ratioToCExtension), goal],
  });
  rows.push(versusC(lookup.ours, goals.lookup.verdict));
  rows.push(versusC(lookup.parseOnly));
  rows.push(versusC(lookup.lookupOnly));
  rows.push(versusC(lookup.maxmindReader));
  rows.push({ cells: [python.reader, formatRate(python.lookupsPerSecond), '(baseline)', '1.00×', ''] });
  rows.push('skipped' in lookup.libmaxminddb ? { cells: ['libmaxminddb from C', lookup.libmaxminddb.skipped, '', '', ''] } : versusC(lookup.libmaxminddb));

  rows.push({ section: `Warm handler latency, in process: ${latency.rounds} rounds of ${latency.invocationsPerRound.toLocaleString('en-US')} invocations after ${latency.warmup.toLocaleString('en-US')} warm-up, median of the rounds` });
  rows.push({ cells: ['enrich-one: GET /v1/enrich/{ip}', latencyCell(variants['enrich-one']), `no database: ${latencyCell(variants['enrich-one without database'])}`, ownShare(variants['enrich-one'], variants['enrich-one without database']), goals.warmP99.verdict] });
  rows.push({ cells: ['enrich-batch: POST /v1/enrich, 100 addresses', latencyCell(variants['enrich-batch']), `no database: ${latencyCell(variants['enrich-batch without database'])}`, ownShare(variants['enrich-batch'], variants['enrich-batch without database']), ''] });
  rows.push({ cells: ['record-visit: POST /v1/visits (stored; DynamoDB Local)', latencyCell(variants['record-visit']), `no database: ${latencyCell(variants['record-visit without database'])}`, ownShare(variants['record-visit'], variants['record-visit without database']), ''] });

  rows.push({ section: `Cold start: fresh Node ${coldStart.nodeVersion} process to first response of the bundled handler, median of ${coldStart.runs} runs` });
  const coldCell = (figures: ColdStartFigures) =>
    `${formatMilliseconds(figures.wallMilliseconds)} (init ${formatMilliseconds(figures.initMilliseconds)}, 1st call ${formatMilliseconds(figures.firstInvokeMilliseconds)}; CPU ${formatMilliseconds(figures.cpuMilliseconds)})`;
  const coldRatio = (figures: ColdStartFigures) =>
    `${formatRatio(figures.wallMilliseconds / hello.wallMilliseconds)} (CPU ${formatRatio(figures.cpuMilliseconds / hello.cpuMilliseconds)})`;
  rows.push({ cells: ['hello-world (same bundling, same Node)', coldCell(hello), '(baseline)', '1.00×', ''] });
  rows.push({ cells: ['enrich, default database', coldCell(cold.enrich), `hello-world ${formatMilliseconds(hello.wallMilliseconds)}`, coldRatio(cold.enrich), goals.coldStart.verdict] });
  rows.push({ cells: ['visits (secret fetch + DynamoDB put)', coldCell(cold.visits), `hello-world ${formatMilliseconds(hello.wallMilliseconds)}`, coldRatio(cold.visits), ''] });
  rows.push({
    cells: [
      'of the enrich init: MmdbDatabase.openDeployed',
      `${formatMilliseconds(databaseOpen.openMilliseconds)} (file read ${formatMilliseconds(databaseOpen.readMilliseconds)}; the search-tree walk, done at synth instead, would take ${formatMilliseconds(databaseOpen.verifyMilliseconds - databaseOpen.readMilliseconds)})`,
      `enrich init ${formatMilliseconds(cold.enrich.initMilliseconds)}`,
      `${Math.round((100 * databaseOpen.openMilliseconds) / cold.enrich.initMilliseconds)}% of init`,
      '',
    ],
  });
  for (const name of ['enrich', 'visits'] as const) {
    rows.push({ cells: [`${name}: RSS after init · peak RSS`, `${formatBytes(cold[name].rssAfterInitBytes)} · ${formatBytes(cold[name].maxRssBytes)}`, `hello-world ${formatBytes(hello.rssAfterInitBytes)} · ${formatBytes(hello.maxRssBytes)}`, formatRatio(cold[name].rssAfterInitBytes / hello.rssAfterInitBytes), ''] });
  }

  rows.push({ section: 'Bundle size: esbuild with the options of lib/enrichment/api-function.ts (minified ESM, AWS SDK external); 1 KB = 1,000 B' });
  for (const bundle of bundles.functions) {
    const met = bundle.minifiedBytes < BUNDLE_LIMIT_BYTES;
    rows.push({ cells: [`lambdas/${bundle.name}`, `${formatBytes(bundle.minifiedBytes)} minified`, `map ${formatBytes(bundle.sourceMapBytes)}; zip ≈ ${formatBytes(bundle.zippedBytes)}`, `${((100 * bundle.minifiedBytes) / BUNDLE_LIMIT_BYTES).toFixed(0)}% of limit`, `${met ? 'met' : 'MISSED'}: < 300 KB`] });
  }
  rows.push({ cells: ['MMDB layer (default.mmdb)', formatBytes(bundles.layer.databaseBytes), `zip ≈ ${formatBytes(bundles.layer.zippedBytes)}`, '', ''] });

  rows.push({ section: `MMDB builder: full default data set (bench/build-mmdb.ts), median of ${mmdbBuilder.runs} builds` });
  rows.push({ cells: ['build, in a child process', `${mmdbBuilder.buildSeconds.toFixed(2)} s`, `whole process ${mmdbBuilder.processSeconds.toFixed(2)} s`, '', goals.buildTime.verdict] });
  rows.push({ cells: ['peak RSS of the build', `${mmdbBuilder.peakRssMegabytes.toFixed(0)} MB`, '', '', goals.buildMemory.verdict] });
  const ratios = mmdbBuilder.sizeVersusMaxMind.map((row) => row.ratio);
  rows.push({ cells: [`file size vs MaxMind's writer (${ratios.length} test databases)`, `${formatBytes(mmdbBuilder.fileBytes)}, ${mmdbBuilder.nodeCount.toLocaleString('en-US')} nodes (default)`, "MaxMind's test files", `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×`, goals.buildSize.verdict] });

  rows.push({ section: `Cost per million in eu-central-1, USD: measured figures × list prices (Lambda ${cost.memoryMb} MB Arm)` });
  const cheapest = [...cost.commercial].sort((a, b) => a.usdPerMillion - b.usdPerMillion)[0];
  for (const scenario of cost.scenarios) {
    const compare = scenario.counts === 'enrichments' && cheapest !== undefined;
    rows.push({
      cells: [
        scenario.name,
        `${formatUsd(scenario.totalUsd)} (CPU-share estimate ${formatUsd(scenario.totalUsdAtLambdaCpuShare)})`,
        compare ? `${cheapest.name}: ${formatUsd(cheapest.usdPerMillion)}` : '',
        compare ? formatRatio(scenario.totalUsd / cheapest.usdPerMillion) : '',
        '',
      ],
    });
    for (const line of scenario.lines) rows.push({ cells: [`· ${line.item}`, formatUsd(line.usd), '', '', ''] });
  }
  for (const offer of cost.commercial) rows.push({ cells: [`commercial: ${offer.name}`, formatUsd(offer.usdPerMillion), offer.basis, '', ''] });

  const table = renderTable(['Measurement', 'Value', 'Baseline (same run)', 'Ratio', 'Goal'], rows);
  const goalLines = Object.values(goals).map((goal) => `- ${goal.goal}: ${goal.verdict}`);
  return [
    table,
    '',
    `Goals (reported, not asserted): ${Object.values(goals).filter((goal) => goal.met).length} of ${Object.values(goals).length} met`,
    ...goalLines,
    '',
    ...methodNotes(results, visitWriteUnits),
  ].join('\n');
}

function foundAgreement(lookup: LookupThroughput): string {
  const readers = [lookup.ours, lookup.lookupOnly, lookup.maxmindReader, lookup.pythonCExtension, ...('skipped' in lookup.libmaxminddb ? [] : [lookup.libmaxminddb])];
  const counts = new Set(readers.map((reader) => reader.found));
  return counts.size === 1
    ? `Every reader found a record for the same ${lookup.ours.found.toLocaleString('en-US')} of ${lookup.addresses.toLocaleString('en-US')} addresses.`
    : `WARNING: the readers disagree on how many addresses have a record: ${readers.map((reader) => `${reader.reader} ${reader.found}`).join(', ')}.`;
}

function methodNotes(results: BenchmarkResults, writeUnits: VisitWriteUnits): string[] {
  const { machine, latency } = results;
  return [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb.toFixed(0)} GB, ${machine.platform}, Node ${machine.node}. Run ${results.startedAt}, ${results.durationSeconds.toFixed(0)} s.`,
    'Method:',
    `- Lookup: the same address file for every reader; each times only its lookup loop (JavaScript in this process, Python and C inside their own process), after a 20,000-lookup warm-up. ${foundAgreement(results.lookup)}`,
    '- Warm latency: the real handlers (lambdas/enrich/handler.ts, lambdas/visits/handler.ts) imported in a child process with the deployed functions\' environment, their SDK clients pointed at Amazon DynamoDB Local and a local Secrets Manager stand-in (GetSecretValue only; ' +
      `fetched ${latency.secretFetches}× in the whole run: the key is cached per container). Timed from the call to the resolved result; events built outside the timing.`,
    '- "Without database": the same middleware (httpApi) and API with the data store call taken out: enrich with an enricher that returns a fixed answer (no MMDB lookup); record-visit with a DynamoDB client whose PutItem is answered in memory (SDK serialisation and signing still run, no network, no DynamoDB). Own work = that p50 / the full p50.',
    `- Cold start: \`node --enable-source-maps cold-start-runner.mjs <bundle>\` spawned fresh each run, hello-world/enrich/visits interleaved after 2 warm-up rounds; time from spawn() to the first response reported by the child; init = the bundle import (module scope: Lambda's init phase); CPU = the child's user + system time until the response (all threads; robust to load from other processes, which inflates the wall time); RSS from process.memoryUsage() after init and resourceUsage().maxRSS after the response. Lambda's own sandbox start is not included (it is the same for both). MmdbDatabase.openDeployed (as the functions open it), MmdbDatabase.open with the full tree walk and a plain read of the file are each timed as the first call in a fresh process (median of ${results.databaseOpen.runs}).`,
    `- Cost: Lambda compute from each invocation's measured duration rounded up to 1 ms (mean), at ${results.cost.memoryMb} MB; "CPU-share estimate" bills each duration × ${LAMBDA_CPU_SLOWDOWN.toFixed(2)} (512 MB is ${(512 / 1769).toFixed(2)} vCPU), an upper estimate for CPU-bound work. A stored visit is one PutItem: ${writeUnits.table} WRU for the table and ${writeUnits.indexes} for the keys-only byVisitor index, as DynamoDB Local reported with ReturnConsumedCapacity (item ≈ ${formatBytes(writeUnits.itemJsonBytes)} as JSON). Log bytes are the handler's own lines (Lambda's START/END/REPORT lines not counted); data out is the answer body and headers. Secrets Manager/KMS calls happen once per container (≈ $0 per million). Not per request, so not included: the WAF web ACL and its 4 rules (lib/security/api-firewall.ts: $5 + 4 × $1 a month), storage (DynamoDB $0.306/GB-month, PITR $0.2448/GB-month), the init phase Lambda bills once per cold start.`,
    'Prices:',
    ...Object.values(AWS_PRICES).map((price) => `- $${price.usd.toFixed(10).replace(/\.?0+$/, '')} per ${price.per}: ${price.source} (${price.asOf})`),
    ...results.cost.commercial.map((offer) => `- ${offer.name}: ${offer.basis} = ${formatUsd(offer.usdPerMillion)} per million: ${offer.source} (${offer.asOf})`),
  ];
}
