// One cold open of the MMDB file in a fresh process, timed inside the process. Started by bench/database-open.ts.
// Usage: node --import tsx database-open-runner.ts <read|deployed|verify> <database.mmdb> [network count]
//   read:     readFileSync alone
//   deployed: MmdbDatabase.openDeployed, as the functions open it (network count verified at synth, no walk)
//   verify:   MmdbDatabase.open with the full search-tree walk (what synth and the local server do)
import { readFileSync } from 'node:fs';
import { MmdbDatabase } from '../lambdas/shared/enrichment/mmdb-database.js';

const [step, databasePath, networkCount] = process.argv.slice(2) as ['read' | 'deployed' | 'verify', string, string?];
const started = performance.now();
if (step === 'read') readFileSync(databasePath);
else if (step === 'deployed') await MmdbDatabase.openDeployed({ MMDB_PATH: databasePath, MMDB_NETWORK_COUNT: networkCount });
else MmdbDatabase.open(databasePath);
process.stdout.write(JSON.stringify({ milliseconds: performance.now() - started }));
