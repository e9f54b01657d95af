import { type CsvLayout, ColumnSpecError, parseCsvLayout } from './csv-columns.js';
import { CsvSyntaxError, csvRecords } from './csv-records.js';
import { FieldValueError, type TypeOverrides, parseFieldText } from './field-types.js';
import { InputError, readInputText } from './input-error.js';
import { parseTreeAddress, parseTreeNetwork } from './tree-address.js';
import type { MmdbMap, MmdbValue } from './mmdb-value.js';
import type { NetworkSink } from './mmdb-writer.js';

export interface CsvInputOptions {
  /** Column names for a file without a header row (same syntax as a header); undefined: the first row is the header. */
  readonly columns?: readonly string[];
  readonly typeOverrides: TypeOverrides;
  /** Called every `progressEvery` rows with the number read so far. */
  readonly onRows?: (rows: number) => void;
  readonly progressEvery?: number;
}

/** Reads a CSV of networks and record fields (see parseCsvLayout) into the writer; returns the row count. */
export async function readCsvInput(file: string, writer: NetworkSink, options: CsvInputOptions): Promise<number> {
  const text = await readInputText(file);
  const progressEvery = options.progressEvery ?? 100_000;
  let layout: CsvLayout | undefined;
  if (options.columns) layout = layoutOrError(file, undefined, options.columns, options.typeOverrides);
  let rows = 0;
  try {
    for (const { line, cells } of csvRecords(text)) {
      if (!layout) {
        layout = layoutOrError(file, line, cells, options.typeOverrides);
        continue;
      }
      insertRow(file, line, cells, layout, writer);
      if (++rows % progressEvery === 0) options.onRows?.(rows);
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new InputError(file, error.line, error.message);
    throw error;
  }
  if (!layout) throw new InputError(file, undefined, 'the file is empty: it has no header row');
  return rows;
}

function layoutOrError(file: string, line: number | undefined, names: readonly string[], overrides: TypeOverrides): CsvLayout {
  try {
    return parseCsvLayout(names, overrides);
  } catch (error) {
    if (error instanceof ColumnSpecError) {
      throw new InputError(file, line, `${line === undefined ? '--columns' : 'header row'}: ${error.message}`);
    }
    throw error;
  }
}

function insertRow(file: string, line: number, cells: readonly string[], layout: CsvLayout, writer: NetworkSink): void {
  const rowError = (reason: string): InputError => new InputError(file, line, reason);
  if (cells.length !== layout.columnCount) throw rowError(`expected ${layout.columnCount} columns, found ${cells.length}`);
  const record = buildRecord(cells, layout, rowError);

  if (layout.kind === 'network') {
    const network = parseTreeNetwork(cells[layout.networkIndex]!.trim());
    if (!network) throw rowError(`column ${layout.networkIndex + 1} is not a valid CIDR network`);
    writer.insertNetwork(network.address.value, network.treePrefixLength, record);
    return;
  }
  const start = parseTreeAddress(cells[layout.startIndex]!.trim());
  const end = parseTreeAddress(cells[layout.endIndex]!.trim());
  if (!start) throw rowError(`column ${layout.startIndex + 1} (range start) is not a valid IP address`);
  if (!end) throw rowError(`column ${layout.endIndex + 1} (range end) is not a valid IP address`);
  if (start.family !== end.family) throw rowError(`the range mixes an IPv${start.family} start with an IPv${end.family} end`);
  if (start.value > end.value) throw rowError('the range start is after the range end');
  writer.insertRange(start.value, end.value, record);
}

/** The row's record: every non-empty field cell, parsed to its type, at its (nested) path. */
function buildRecord(cells: readonly string[], layout: CsvLayout, rowError: (reason: string) => InputError): MmdbMap {
  const record: Record<string, MmdbValue> = {};
  for (const { index, path, type } of layout.fields) {
    const text = cells[index]!;
    if (text === '') continue;
    let value: MmdbValue;
    try {
      value = parseFieldText(text, type);
    } catch (error) {
      if (error instanceof FieldValueError) throw rowError(`column ${index + 1} ("${path.join('.')}", ${type}): ${error.message}`);
      throw error;
    }
    let parent = record;
    for (const segment of path.slice(0, -1)) parent = (parent[segment] ??= {}) as Record<string, MmdbValue>;
    parent[path[path.length - 1]!] = value;
  }
  return record;
}
