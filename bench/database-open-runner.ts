// One cold open of the MMDB file in a fresh process, as the enrich handler's init does it, timed
// inside the process. Started by bench/database-open.ts.
// Usage: node --import tsx database-open-runner.ts <read|open> <database.mmdb>
import { readFileSync } from 'node:fs';
import { MmdbDatabase } from '../lambdas/shared/enrichment/mmdb-database.js';

const [step, databasePath] = process.argv.slice(2) as ['read' | 'open', string];
const started = performance.now();
if (step === 'read') readFileSync(databasePath);
else MmdbDatabase.open(databasePath);
process.stdout.write(JSON.stringify({ milliseconds: performance.now() - started }));
