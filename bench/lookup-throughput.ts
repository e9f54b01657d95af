// Lookup throughput of the default database: our reader path against C readers, on one address list.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Reader, type Response } from 'maxmind';
import { createEnricher } from '../lambdas/shared/enrichment/enricher.js';
import { MmdbDatabase } from '../lambdas/shared/enrichment/mmdb-database.js';
import { parsePublicIp } from '../lambdas/shared/ip/public-ip.js';
import { samplePublicAddresses } from './support/addresses.js';
import { median } from './support/statistics.js';

const C_READERS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'c-readers');

export interface ReaderThroughput {
  readonly reader: string;
  /** Median over the rounds. */
  readonly lookupsPerSecond: number;
  readonly rounds: readonly number[];
  /** Median over the rounds of this reader's rate / the C extension's rate in the same round. */
  readonly ratioToCExtension: number;
  /** Addresses that had a record: every reader must agree, or they did not read the same thing. */
  readonly found: number;
}

export interface LookupThroughput {
  readonly addresses: number;
  /** What the handlers do per address: parsePublicIp + createEnricher(MmdbDatabase).enrich. */
  readonly ours: ReaderThroughput;
  /** Only the address check and parsing of our path (parsePublicIp): how much of it that is. */
  readonly parseOnly: ReaderThroughput;
  /** Only the tree walk and cached record of our path: MmdbDatabase.lookup on addresses parsed beforehand (plus a Map.get to find them). */
  readonly lookupOnly: ReaderThroughput;
  /** The `maxmind` npm reader (no cache), which MmdbDatabase used before it walked the tree itself: Reader.get. */
  readonly maxmindReader: ReaderThroughput;
  readonly pythonCExtension: ReaderThroughput;
  /** libmaxminddb called from C, or why it could not be built here. */
  readonly libmaxminddb: ReaderThroughput | { readonly skipped: string };
}

export interface LookupThroughputOptions {
  readonly databasePath: string;
  readonly workDirectory: string;
  readonly addressCount?: number;
  readonly rounds?: number;
}

interface RoundResult {
  readonly lookupsPerSecond: number;
  readonly found: number;
}

/** One reader: a name and how to run one timed round (after its own warm-up). */
interface Contender {
  readonly reader: string;
  round(): RoundResult;
}

function inProcess(reader: string, addresses: readonly string[], lookup: (address: string) => boolean): Contender {
  for (const address of addresses.slice(0, 20_000)) lookup(address); // warm-up: let the JIT settle
  return {
    reader,
    round() {
      let found = 0;
      const started = performance.now();
      for (const address of addresses) if (lookup(address)) found++;
      return { lookupsPerSecond: addresses.length / ((performance.now() - started) / 1000), found };
    },
  };
}

/** A reader program that warms up, times one round over the address file and prints JSON. */
function readerProgram(reader: string, command: string, args: readonly string[]): Contender {
  const run = () => JSON.parse(execFileSync(command, [...args, '1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as {
    lookupsPerSecond: [number];
    found: number;
    version: string;
  };
  const { version } = run();
  return {
    reader: `${reader} ${version}`,
    round() {
      const { lookupsPerSecond, found } = run();
      return { lookupsPerSecond: lookupsPerSecond[0], found };
    },
  };
}

/** Builds the C reader when libmaxminddb-dev and cc are installed (bench/ensure-bench-deps.sh tries to install them). */
function buildLibmaxminddbReader(workDirectory: string): string | { skipped: string } {
  const binary = path.join(workDirectory, 'libmaxminddb_lookups');
  try {
    execFileSync('cc', ['-O2', '-o', binary, path.join(C_READERS, 'libmaxminddb_lookups.c'), '-lmaxminddb'], { stdio: 'pipe' });
    return binary;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n')[0];
    return { skipped: `not built (${stderr || (error as Error).message}): needs libmaxminddb-dev and a C compiler` };
  }
}

export function benchmarkLookupThroughput(options: LookupThroughputOptions): LookupThroughput {
  const rounds = options.rounds ?? 5;
  const addresses = samplePublicAddresses(options.addressCount ?? 200_000);
  const addressFile = path.join(options.workDirectory, 'addresses.txt');
  writeFileSync(addressFile, `${addresses.join('\n')}\n`);
  const readerArgs = [options.databasePath, addressFile];

  const database = MmdbDatabase.open(options.databasePath);
  const enricher = createEnricher(database);
  const parsed = new Map(addresses.map((address) => [address, parsePublicIp(address)]));
  const reader = new Reader<Response>(readFileSync(options.databasePath));
  const python = readerProgram('python3-maxminddb (C extension, MODE_MMAP_EXT)', '/usr/bin/python3', [
    path.join(C_READERS, 'python_maxminddb_lookups.py'),
    ...readerArgs,
  ]);
  const binary = buildLibmaxminddbReader(options.workDirectory);
  const libmaxminddb = typeof binary === 'string' ? readerProgram('libmaxminddb (C, MMDB_MODE_MMAP)', binary, readerArgs) : undefined;
  const contenders = {
    ours: inProcess('our path: parsePublicIp + enricher.enrich', addresses, (address) => enricher.enrich(parsePublicIp(address)).found),
    parseOnly: inProcess('parsePublicIp alone', addresses, (address) => parsePublicIp(address).version === 4),
    lookupOnly: inProcess('MmdbDatabase.lookup alone (parsed beforehand)', addresses, (address) => database.lookup(parsed.get(address)!) !== undefined),
    maxmindReader: inProcess('maxmind npm Reader.get (for comparison)', addresses, (address) => reader.get(address) !== null),
    python,
    ...(libmaxminddb ? { libmaxminddb } : {}),
  };

  // Rounds interleave the readers, so load from elsewhere on the machine falls on all of them alike.
  const results = new Map<Contender, RoundResult[]>(Object.values(contenders).map((contender) => [contender, []]));
  for (let round = 0; round < rounds; round++) {
    for (const contender of Object.values(contenders)) results.get(contender)!.push(contender.round());
  }
  const baseline = results.get(python)!;
  const summary = (contender: Contender): ReaderThroughput => {
    const own = results.get(contender)!;
    return {
      reader: contender.reader,
      lookupsPerSecond: median(own.map((round) => round.lookupsPerSecond)),
      rounds: own.map((round) => round.lookupsPerSecond),
      ratioToCExtension: median(own.map((round, i) => round.lookupsPerSecond / baseline[i]!.lookupsPerSecond)),
      found: own.at(-1)!.found,
    };
  };
  return {
    addresses: addresses.length,
    ours: summary(contenders.ours),
    parseOnly: summary(contenders.parseOnly),
    lookupOnly: summary(contenders.lookupOnly),
    maxmindReader: summary(contenders.maxmindReader),
    pythonCExtension: summary(python),
    libmaxminddb: libmaxminddb ? summary(libmaxminddb) : (binary as { skipped: string }),
  };
}
