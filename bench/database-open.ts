// Where the enrich handler's init time goes: MmdbDatabase.open of the default database (read the
// file, check it, walk the whole search tree to count its networks) against reading the file alone,
// each the first call in a fresh process, as at a cold start.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './support/statistics.js';

const BENCH_DIRECTORY = path.dirname(fileURLToPath(import.meta.url));
const RUNNER = path.join(BENCH_DIRECTORY, 'database-open-runner.ts');

export interface DatabaseOpen {
  readonly runs: number;
  /** readFileSync of the file. */
  readonly readMilliseconds: number;
  /** MmdbDatabase.open: the read plus the checks and the search-tree walk. */
  readonly openMilliseconds: number;
}

function timeOnce(step: 'read' | 'open', databasePath: string): number {
  const output = execFileSync(process.execPath, ['--import', 'tsx', RUNNER, step, databasePath], {
    cwd: path.resolve(BENCH_DIRECTORY, '..'),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return (JSON.parse(output) as { milliseconds: number }).milliseconds;
}

export function measureDatabaseOpen(databasePath: string, runs = 5): DatabaseOpen {
  const read: number[] = [];
  const open: number[] = [];
  for (let run = 0; run < runs; run++) {
    read.push(timeOnce('read', databasePath));
    open.push(timeOnce('open', databasePath));
  }
  return { runs, readMilliseconds: median(read), openMilliseconds: median(open) };
}
