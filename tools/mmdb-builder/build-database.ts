import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { readCsvInput } from './csv-input.js';
import type { TypeOverrides } from './field-types.js';
import { readJsonInput } from './json-input.js';
import { type MmdbStatistics, MmdbWriter, type MmdbWriterOptions } from './mmdb-writer.js';
import { RegistryCollector } from './rpsl/registry-collector.js';
import { layRegistryNetworks } from './rpsl/registry-records.js';

export const INPUT_FORMATS = ['csv', 'json', 'rpsl'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export interface DatabaseInput {
  readonly path: string;
  /** Defaults from the extension: .json is MaxMind source JSON, .db / .db.gz / .db.<class>[.gz] RPSL, anything else CSV. */
  readonly format?: InputFormat;
  /**
   * Merge this input's records into the records of the inputs before it (its fields win) instead of
   * replacing them where it is more specific, e.g. a country per network over AS numbers. RPSL inputs
   * always form one such layer, laid last.
   */
  readonly overlay?: boolean;
  /** For a CSV without a header row: its column names (header syntax). */
  readonly columns?: readonly string[];
}

export interface BuildDatabaseOptions extends MmdbWriterOptions {
  /** Read in order; for the very same network, a later input's record wins. */
  readonly inputs: readonly DatabaseInput[];
  readonly output: string;
  readonly typeOverrides?: TypeOverrides;
  /** Progress lines (phases, row counts of large inputs); nothing is printed without it. */
  readonly onProgress?: (message: string) => void;
}

export function formatOf(input: Pick<DatabaseInput, 'path' | 'format'>): InputFormat {
  if (input.format) return input.format;
  const name = input.path.toLowerCase();
  if (name.endsWith('.json')) return 'json';
  // ripe.db, afrinic.db.gz and the registries' split files such as ripe.db.inetnum.gz.
  return /\.db(\.[a-z0-9-]+)?(\.gz)?$/.test(name) ? 'rpsl' : 'csv';
}

const count = (n: number): string => n.toLocaleString('en-US');

function layRegistry(registry: RegistryCollector, writer: MmdbWriter, progress: (message: string) => void): void {
  const summary = registry.summary();
  progress(
    `registry: ${count(summary.networks)} networks, ${count(summary.organisations)} organisations, ` +
      `${count(summary.otherObjects)} objects of other types ignored, ${count(summary.skippedCount)} malformed objects skipped, ` +
      `${count(summary.unresolvedOrganisations)} networks name an organisation no input holds`,
  );
  for (const { file, line, reason } of summary.skipped) progress(`  skipped ${file}:${line}: ${reason}`);
  if (summary.skippedCount > summary.skipped.length) progress(`  … and ${count(summary.skippedCount - summary.skipped.length)} more`);
  const layout = layRegistryNetworks(registry, writer.addOverlayLayer());
  registry.releaseNetworks();
  const classes = Object.entries(layout.byClassification).filter(([, n]) => n > 0);
  progress(`registry: ${count(layout.records)} distinct records; ${classes.map(([c, n]) => `${c} ${count(n)}`).join(', ')}`);
}

/**
 * Reads every input, writes the MMDB to a temporary file next to `output` and renames it into place, so
 * a failed build (bad row, full disk) never leaves a partial or stale-looking output file behind.
 */
export async function buildDatabase(options: BuildDatabaseOptions): Promise<MmdbStatistics> {
  const progress = options.onProgress ?? (() => undefined);
  const typeOverrides = options.typeOverrides ?? {};
  const writer = new MmdbWriter(options);
  const registry = new RegistryCollector();

  for (const input of options.inputs) {
    const name = path.basename(input.path);
    progress(`reading ${name}`);
    const format = formatOf(input);
    const sink = input.overlay ? writer.addOverlayLayer() : writer;
    if (format === 'rpsl') {
      const objects = await registry.read(input.path, (read) => progress(`  ${count(read)} objects of ${name}`));
      progress(`read ${count(objects)} objects from ${name}`);
    } else if (format === 'json') {
      const networks = await readJsonInput(input.path, sink, { typeOverrides });
      progress(`read ${count(networks)} networks from ${name}`);
    } else {
      const rows = await readCsvInput(input.path, sink, {
        typeOverrides,
        ...(input.columns ? { columns: input.columns } : {}),
        onRows: (rows) => progress(`  ${count(rows)} rows of ${name}`),
      });
      progress(`read ${count(rows)} rows from ${name}`);
    }
  }

  if (registry.networks.length > 0) layRegistry(registry, writer, progress);

  progress(`building the search tree from ${count(writer.networkCount)} networks`);
  await mkdir(path.dirname(path.resolve(options.output)), { recursive: true });
  // The data section's bytes go to a scratch file next to the output while they are encoded.
  const spillFile = `${path.resolve(options.output)}.${process.pid}.data.tmp`;
  const spill = openSync(spillFile, 'w');
  let statistics: MmdbStatistics;
  try {
    const written = writer.toParts((bytes) => writeSync(spill, bytes));
    statistics = written.statistics;
    const [searchTree, separator, ...rest] = written.parts;
    await writeFileAtomic(options.output, [searchTree!, separator!, { file: spillFile }, ...rest]);
  } finally {
    closeSync(spill);
    await rm(spillFile, { force: true });
  }
  progress(
    `wrote ${options.output}: ${count(statistics.nodeCount)} nodes, ${statistics.recordSize}-bit records, ` +
      `${count(statistics.records)} distinct records, ${count(statistics.fileBytes)} bytes`,
  );
  return statistics;
}
