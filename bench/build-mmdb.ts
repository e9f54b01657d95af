// Benchmark of the MMDB builder: `npx tsx bench/build-mmdb.ts` prints the figures; bench/run.ts can call
// benchmarkMmdbBuilder() for them as an object. No assertions: the goals (full default data set in < 30 s
// and < 1.5 GB peak RSS on 2 cores; files within 1.25x of MaxMind's) are read off the output.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { open } from 'maxmind';
import { buildDatabase } from '../tools/mmdb-builder/build-database.js';
import { maxmindSourceData, REPO_ROOT, testDatabase } from '../test/support/repo-paths.js';

const COMPARED_DATABASES = [
  'GeoLite2-ASN',
  'GeoIP2-ISP',
  'GeoIP2-Enterprise',
  'GeoIP2-Domain',
  'GeoIP2-Connection-Type',
  'GeoIP2-City',
  'GeoIP2-Country',
  'GeoLite2-City',
];
const LOOKUPS = 500_000;

export interface MmdbBuilderBenchmark {
  readonly defaultDatabase: {
    /** Wall time of the whole child process (Node start, TypeScript loading, build, write). */
    readonly processSeconds: number;
    /** Reading the CSVs, building and writing, as timed inside the child. */
    readonly buildSeconds: number;
    readonly peakRssMegabytes: number;
    readonly fileBytes: number;
    readonly nodeCount: number;
    readonly recordSize: number;
    readonly distinctRecords: number;
    /** Random addresses (3/4 IPv4, 1/4 IPv6) through the `maxmind` reader with its default cache. */
    readonly lookupsPerSecond: number;
  };
  readonly sizeVersusMaxMind: readonly { readonly database: string; readonly ourBytes: number; readonly maxmindBytes: number; readonly ratio: number }[];
}

/** Builds the full default data set in a child process, so its peak RSS is the build's own. */
function buildDefaultInChild(output: string): Omit<MmdbBuilderBenchmark['defaultDatabase'], 'lookupsPerSecond'> {
  const child = `
    const { buildDefaultDatabase } = await import(${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'layers/mmdb/default-database.ts')).href)});
    const started = performance.now();
    const statistics = await buildDefaultDatabase(${JSON.stringify(output)});
    const buildSeconds = (performance.now() - started) / 1000;
    process.stdout.write(JSON.stringify({ buildSeconds, peakRssKilobytes: process.resourceUsage().maxRSS, statistics }));
  `;
  const started = performance.now();
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', child], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  const processSeconds = (performance.now() - started) / 1000;
  const { buildSeconds, peakRssKilobytes, statistics } = JSON.parse(stdout) as {
    buildSeconds: number;
    peakRssKilobytes: number;
    statistics: { fileBytes: number; nodeCount: number; recordSize: number; records: number };
  };
  return {
    processSeconds,
    buildSeconds,
    peakRssMegabytes: peakRssKilobytes / 1024,
    fileBytes: statistics.fileBytes,
    nodeCount: statistics.nodeCount,
    recordSize: statistics.recordSize,
    distinctRecords: statistics.records,
  };
}

/** Deterministic addresses spread over the space the default data covers. */
function sampleAddresses(count: number): string[] {
  let state = 12_345;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state;
  };
  return Array.from({ length: count }, (_, i) => {
    if (i % 4 !== 3) {
      const n = next();
      return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
    }
    return `2${(next() % 0x1000).toString(16).padStart(3, '0')}:${(next() & 0xffff).toString(16)}:${(next() & 0xffff).toString(16)}::1`;
  });
}

async function lookupsPerSecond(file: string): Promise<number> {
  const reader = await open(file);
  const addresses = sampleAddresses(LOOKUPS);
  for (const ip of addresses.slice(0, 20_000)) reader.get(ip); // warm-up
  const started = performance.now();
  for (const ip of addresses) reader.get(ip);
  return LOOKUPS / ((performance.now() - started) / 1000);
}

async function compareWithMaxMind(directory: string): Promise<MmdbBuilderBenchmark['sizeVersusMaxMind']> {
  const rows = [];
  for (const database of COMPARED_DATABASES) {
    const output = path.join(directory, `${database}.mmdb`);
    const statistics = await buildDatabase({
      inputs: [{ path: maxmindSourceData(`${database}-Test`) }],
      output,
      databaseType: database,
      description: { en: `${database.replaceAll('-', ' ')} Test Database (fake GeoIP2 data, for example purposes only)` },
      languages: ['en'],
      buildEpoch: 1_700_000_000n,
    });
    const maxmindBytes = statSync(testDatabase(`${database}-Test`)).size;
    rows.push({ database, ourBytes: statistics.fileBytes, maxmindBytes, ratio: statistics.fileBytes / maxmindBytes });
  }
  return rows;
}

export async function benchmarkMmdbBuilder(): Promise<MmdbBuilderBenchmark> {
  const directory = mkdtempSync(path.join(tmpdir(), 'bench-build-mmdb-'));
  try {
    const output = path.join(directory, 'default.mmdb');
    const build = buildDefaultInChild(output);
    return {
      defaultDatabase: { ...build, lookupsPerSecond: await lookupsPerSecond(output) },
      sizeVersusMaxMind: await compareWithMaxMind(directory),
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function printFigures({ defaultDatabase: d, sizeVersusMaxMind }: MmdbBuilderBenchmark): void {
  const sourceVersion = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/@ip-location-db/asn/package.json'), 'utf8')) as { version: string }).version;
  console.log(`MMDB builder — full default data set (@ip-location-db/asn ${sourceVersion})`);
  console.log(`  build (in child)      ${d.buildSeconds.toFixed(2)} s   (whole child process ${d.processSeconds.toFixed(2)} s)`);
  console.log(`  peak RSS              ${d.peakRssMegabytes.toFixed(0)} MB`);
  console.log(`  output                ${(d.fileBytes / 1024 / 1024).toFixed(2)} MB, ${d.nodeCount.toLocaleString('en-US')} nodes, ${d.recordSize}-bit records, ${d.distinctRecords.toLocaleString('en-US')} distinct records`);
  console.log(`  lookups (maxmind)     ${Math.round(d.lookupsPerSecond).toLocaleString('en-US')} per second`);
  console.log('File size versus MaxMind\'s writer, same source JSON:');
  for (const row of sizeVersusMaxMind) {
    console.log(`  ${row.database.padEnd(24)} ours ${String(row.ourBytes).padStart(7)} B   MaxMind ${String(row.maxmindBytes).padStart(7)} B   ratio ${row.ratio.toFixed(3)}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printFigures(await benchmarkMmdbBuilder());
}
