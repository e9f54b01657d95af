// Where the enrich handler's init time goes: opening the default database as a deployed function does
// (read and check the file; the network count comes from the synth-time walk) against reading the file
// alone and against the full search-tree walk, each the first call in a fresh process, as at a cold start.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MmdbDatabase } from '../lambdas/shared/enrichment/mmdb-database.js';
import { median } from './support/statistics.js';

const BENCH_DIRECTORY = path.dirname(fileURLToPath(import.meta.url));
const RUNNER = path.join(BENCH_DIRECTORY, 'database-open-runner.ts');

export interface DatabaseOpen {
  readonly runs: number;
  /** readFileSync of the file. */
  readonly readMilliseconds: number;
  /** MmdbDatabase.openDeployed: the read plus the checks, with the count verified at synth. */
  readonly openMilliseconds: number;
  /** MmdbDatabase.open with the search-tree walk, which deployed functions no longer do at init. */
  readonly verifyMilliseconds: number;
}

type Step = 'read' | 'deployed' | 'verify';

function timeOnce(step: Step, databasePath: string, networkCount: number): number {
  const output = execFileSync(process.execPath, ['--import', 'tsx', RUNNER, step, databasePath, String(networkCount)], {
    cwd: path.resolve(BENCH_DIRECTORY, '..'),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return (JSON.parse(output) as { milliseconds: number }).milliseconds;
}

export function measureDatabaseOpen(databasePath: string, runs = 5): DatabaseOpen {
  const networkCount = MmdbDatabase.open(databasePath).info.recordCount;
  const times: Record<Step, number[]> = { read: [], deployed: [], verify: [] };
  for (let run = 0; run < runs; run++) {
    for (const step of ['read', 'deployed', 'verify'] as const) times[step].push(timeOnce(step, databasePath, networkCount));
  }
  return { runs, readMilliseconds: median(times.read), openMilliseconds: median(times.deployed), verifyMilliseconds: median(times.verify) };
}
