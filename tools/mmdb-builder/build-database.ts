import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { readCsvInput } from './csv-input.js';
import type { TypeOverrides } from './field-types.js';
import { readJsonInput } from './json-input.js';
import { type MmdbStatistics, MmdbWriter, type MmdbWriterOptions } from './mmdb-writer.js';

export type InputFormat = 'csv' | 'json';

export interface DatabaseInput {
  readonly path: string;
  /** Defaults from the extension: .json is MaxMind source JSON, anything else CSV. */
  readonly format?: InputFormat;
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

function formatOf(input: DatabaseInput): InputFormat {
  return input.format ?? (input.path.toLowerCase().endsWith('.json') ? 'json' : 'csv');
}

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * Reads every input, writes the MMDB to a temporary file next to `output` and renames it into place, so
 * a failed build (bad row, full disk) never leaves a partial or stale-looking output file behind.
 */
export async function buildDatabase(options: BuildDatabaseOptions): Promise<MmdbStatistics> {
  const progress = options.onProgress ?? (() => undefined);
  const typeOverrides = options.typeOverrides ?? {};
  const writer = new MmdbWriter(options);

  for (const input of options.inputs) {
    const name = path.basename(input.path);
    progress(`reading ${name}`);
    if (formatOf(input) === 'json') {
      const networks = await readJsonInput(input.path, writer, { typeOverrides });
      progress(`read ${count(networks)} networks from ${name}`);
    } else {
      const rows = await readCsvInput(input.path, writer, {
        typeOverrides,
        ...(input.columns ? { columns: input.columns } : {}),
        onRows: (rows) => progress(`  ${count(rows)} rows of ${name}`),
      });
      progress(`read ${count(rows)} rows from ${name}`);
    }
  }

  progress(`building the search tree from ${count(writer.networkCount)} networks`);
  const { bytes, statistics } = writer.toBuffer();
  await mkdir(path.dirname(path.resolve(options.output)), { recursive: true });
  await writeFileAtomic(options.output, bytes);
  progress(
    `wrote ${options.output}: ${count(statistics.nodeCount)} nodes, ${statistics.recordSize}-bit records, ` +
      `${count(statistics.records)} distinct records, ${count(statistics.fileBytes)} bytes`,
  );
  return statistics;
}
