/**
 * The database a fresh clone deploys and runs with: IP ranges → autonomous system number and organisation,
 * built from the @ip-location-db/asn package (CC BY 4.0: DB-IP, RouteViews, NRO), with the country per
 * network from @ip-location-db/geo-whois-asn-country (CC0) laid over it, into layers/mmdb/build/default.mmdb. Operators with their own MMDB configure its path and skip this.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../tools/mmdb-builder/atomic-file.js';
import { type BuildDatabaseOptions, buildDatabase } from '../../tools/mmdb-builder/build-database.js';
import type { MmdbStatistics } from '../../tools/mmdb-builder/mmdb-writer.js';

const LAYER_DIRECTORY = path.dirname(fileURLToPath(import.meta.url));
const BUILDER_DIRECTORY = path.resolve(LAYER_DIRECTORY, '../../tools/mmdb-builder');
/** Modules of the functions the builder imports (address parser, format constants): a change to them rebuilds too. */
const SHARED_BUILDER_MODULES = ['../../lambdas/shared/ip/ip-address.ts', '../../lambdas/shared/enrichment/mmdb-format.ts'].map((file) =>
  path.resolve(LAYER_DIRECTORY, file),
);

export const DEFAULT_DATABASE_PATH = path.join(LAYER_DIRECTORY, 'build', 'default.mmdb');
const STAMP_PATH = `${DEFAULT_DATABASE_PATH}.stamp.json`;
const LOCK_PATH = `${DEFAULT_DATABASE_PATH}.lock`;

export const DEFAULT_DATABASE_TYPE = 'EU-Enrichment-ASN';
/** The database_type of a company database: registry (RPSL) inputs over the default data. */
export const REGISTRY_DATABASE_TYPE = 'EU-Enrichment-Registry';
const SOURCE_PACKAGE = '@ip-location-db/asn';
const COUNTRY_PACKAGE = '@ip-location-db/geo-whois-asn-country';
const COUNTRY_COLUMNS = ['ip_range_start', 'ip_range_end', 'country.iso_code'];
/** The package's CSVs have no header row; these are its columns (see its README). */
const SOURCE_COLUMNS = [
  'ip_range_start',
  'ip_range_end',
  'autonomous_system_number:uint32',
  'autonomous_system_organization:utf8_string',
];

interface SourcePackage {
  readonly directory: string;
  readonly version: string;
}

function sourcePackage(name = SOURCE_PACKAGE): SourcePackage {
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve(`${name}/package.json`);
  } catch {
    throw new Error(
      `The default database is built from the ${name} dev dependency, which is not installed: ` +
        'run npm ci, or configure mmdbPath to use your own MMDB file.',
    );
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { directory: path.dirname(manifest), version };
}

/** The package's versions end in the data's timestamp (2.3.YYYYMMDDHH): a build epoch that only moves with the data. */
function buildEpochOf(version: string): bigint {
  const stamp = /\.(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(version);
  if (!stamp) return 1n; // libmaxminddb rejects 0; 1 reads as "unknown"
  const [year, month, day, hour] = stamp.slice(1).map(Number) as [number, number, number, number];
  return BigInt(Date.UTC(year, month - 1, day, hour) / 1000);
}

/** The attribution CC BY 4.0 asks for: the creators, the licence, and that we changed the data. */
function defaultDatabaseDescription(version: string, countryVersion: string): string {
  return (
    `IP ranges to autonomous system number and organisation, from ${SOURCE_PACKAGE} ${version} ` +
    '(https://github.com/sapics/ip-location-db), which combines RouteViews (https://www.routeviews.org/), ' +
    'the NRO\'s RIR statistics (https://www.nro.net/) and "IP Geolocation by DB-IP" IP to ASN Lite ' +
    '(https://db-ip.com/). Licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). ' +
    'Changed: converted from CSV to MMDB, adjacent ranges with the same data merged, IPv4-mapped ' +
    '(::ffff:0:0/96) and 6to4 (2002::/16) addresses answer for their IPv4 address. ' +
    `Country per network from ${COUNTRY_PACKAGE} ${countryVersion} (https://github.com/sapics/ip-location-db), ` +
    "built from the Regional Internet Registries' whois data and ASN data, dedicated to the public domain under " +
    'CC0 1.0 (https://creativecommons.org/publicdomain/zero/1.0/).'
  );
}

/** The build options of the default database, written to `output`: AS data, the country laid over it. */
export function defaultDatabaseBuildOptions(output: string): BuildDatabaseOptions & { readonly description: { readonly en: string } } {
  const source = sourcePackage();
  const countries = sourcePackage(COUNTRY_PACKAGE);
  return {
    inputs: [
      ...['asn-ipv4.csv', 'asn-ipv6.csv'].map((file) => ({ path: path.join(source.directory, file), columns: SOURCE_COLUMNS })),
      ...['geo-whois-asn-country-ipv4.csv', 'geo-whois-asn-country-ipv6.csv'].map((file) => ({
        path: path.join(countries.directory, file),
        columns: COUNTRY_COLUMNS,
        overlay: true,
      })),
    ],
    output,
    databaseType: DEFAULT_DATABASE_TYPE,
    description: { en: defaultDatabaseDescription(source.version, countries.version) },
    languages: [],
    buildEpoch: buildEpochOf(source.version),
  };
}

/**
 * What the file was built from: the source package version and a hash of the builder's code, so a new
 * data release or a builder change rebuilds it.
 */
async function currentStamp(): Promise<string> {
  const hash = createHash('sha256');
  const builderFiles = (await readdir(BUILDER_DIRECTORY, { recursive: true })).filter((file) => file.endsWith('.ts')).sort();
  for (const file of [...builderFiles.map((f) => path.join(BUILDER_DIRECTORY, f)), ...SHARED_BUILDER_MODULES, fileURLToPath(import.meta.url)]) {
    hash.update(path.relative(LAYER_DIRECTORY, file)).update(await readFile(file));
  }
  const sources = [SOURCE_PACKAGE, COUNTRY_PACKAGE].map((name) => `${name}@${sourcePackage(name).version}`).join(' ');
  return JSON.stringify({ source: sources, builder: hash.digest('hex') });
}

async function isUpToDate(stamp: string): Promise<boolean> {
  try {
    const [built] = await Promise.all([readFile(STAMP_PATH, 'utf8'), stat(DEFAULT_DATABASE_PATH)]);
    return built === stamp;
  } catch {
    return false;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `build` holding a lock file, so only one process builds at a time (parallel test workers, synth,
 * a local server). The lock holds the builder's pid; a lock whose process is gone is taken over.
 */
async function withBuildLock<T>(build: () => Promise<T>): Promise<T> {
  await mkdir(path.dirname(LOCK_PATH), { recursive: true });
  for (;;) {
    try {
      const handle = await open(LOCK_PATH, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(await readFile(LOCK_PATH, 'utf8').catch(() => ''));
    if (holder > 0 && !isRunning(holder)) await rm(LOCK_PATH, { force: true });
    else await new Promise((resolve) => setTimeout(resolve, 250));
  }
  try {
    return await build();
  } finally {
    await rm(LOCK_PATH, { force: true });
  }
}

/** Builds the default database at `output` (no staleness check, no lock, no stamp): `--default --output` and the benchmark. */
export function buildDefaultDatabase(output: string, onProgress?: (message: string) => void): Promise<MmdbStatistics> {
  return buildDatabase({ ...defaultDatabaseBuildOptions(output), ...(onProgress ? { onProgress } : {}) });
}

async function buildAndStamp(stamp: string, onProgress?: (message: string) => void): Promise<MmdbStatistics> {
  const statistics = await buildDefaultDatabase(DEFAULT_DATABASE_PATH, onProgress);
  await writeFileAtomic(STAMP_PATH, stamp);
  return statistics;
}

/** Builds DEFAULT_DATABASE_PATH even when it is up to date (the CLI's --default). */
export async function rebuildDefaultDatabase(onProgress?: (message: string) => void): Promise<MmdbStatistics> {
  const stamp = await currentStamp();
  return withBuildLock(() => buildAndStamp(stamp, onProgress));
}

let pending: Promise<string> | undefined;

/**
 * Returns DEFAULT_DATABASE_PATH, building the file first when it is missing or stale. Quick when it is
 * current; prints one line to stderr when it builds (a few seconds).
 */
export function ensureDefaultDatabase(): Promise<string> {
  pending ??= (async () => {
    const stamp = await currentStamp();
    if (await isUpToDate(stamp)) return DEFAULT_DATABASE_PATH;
    await withBuildLock(async () => {
      // Another process may have built it while we waited for the lock.
      if (await isUpToDate(stamp)) return;
      process.stderr.write(
        `Building the default IP database ${path.relative(process.cwd(), DEFAULT_DATABASE_PATH)} from ${SOURCE_PACKAGE} (once per data version)…\n`,
      );
      await buildAndStamp(stamp);
    });
    return DEFAULT_DATABASE_PATH;
  })().finally(() => {
    pending = undefined;
  });
  return pending;
}
