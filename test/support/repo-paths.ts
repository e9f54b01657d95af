// The one place that knows where the repository and its test fixtures are. Nothing here reaches outside the
// repository: a fresh clone has everything the tests and benchmarks read.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** MaxMind's public MaxMind DB test databases and their source JSON (see test/fixtures/maxmind-db/README.md). */
export const MAXMIND_TEST_DATA = path.join(REPO_ROOT, 'test/fixtures/maxmind-db');

/** A path inside the repository that must exist; a missing fixture fails loudly instead of skipping a test. */
export function repoFile(relativePath: string): string {
  const file = path.join(REPO_ROOT, relativePath);
  if (!existsSync(file)) throw new Error(`missing fixture ${relativePath} (expected at ${file}); restore it from git`);
  return file;
}

/** One of MaxMind's test databases by name, e.g. "GeoLite2-ASN-Test". */
export const testDatabase = (name: string): string => repoFile(`test/fixtures/maxmind-db/test-data/${name}.mmdb`);

/** The JSON a MaxMind test database was generated from, e.g. "GeoLite2-ASN-Test". */
export const maxmindSourceData = (name: string): string => repoFile(`test/fixtures/maxmind-db/source-data/${name}.json`);

/** An invented RPSL registry dump (see test/fixtures/rpsl/README.md), e.g. "small.db". */
export const rpslFixture = (name: string): string => repoFile(`test/fixtures/rpsl/${name}`);
