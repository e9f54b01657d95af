import { type TypeOverrides, declaredFieldType } from './field-types.js';
import { FIELD_TYPES, type FieldType, isFieldType } from './mmdb-value.js';

/** Column names that hold the network rather than a record field. */
const NETWORK_COLUMN = 'network';
const RANGE_START_COLUMNS = ['ip_range_start', 'start'];
const RANGE_END_COLUMNS = ['ip_range_end', 'end'];

export interface FieldColumn {
  readonly index: number;
  /** Nested path in the record, from a dotted name (`company.name` → ['company', 'name']). */
  readonly path: readonly string[];
  readonly type: FieldType;
}

/** Where the network is and which columns fill which record fields. */
export type CsvLayout = {
  readonly columnCount: number;
  readonly fields: readonly FieldColumn[];
} & (
  | { readonly kind: 'network'; readonly networkIndex: number }
  | { readonly kind: 'range'; readonly startIndex: number; readonly endIndex: number }
);

/** Thrown for a header or --columns list that cannot be used; the reader adds where it came from. */
export class ColumnSpecError extends Error {}

/**
 * Reads the column names (a header row or the --columns list). Each is `path` or `path:type`, where
 * `path` may be dotted for nested fields and `type` is one of FIELD_TYPES; without a type a column takes
 * its declared type (GeoIP2 table, --type, `is_*` → boolean) or else utf8_string. An empty name skips
 * the column. The network is either a `network` CIDR column or a start/end pair (`ip_range_start` and
 * `ip_range_end`, or `start` and `end`), inclusive.
 */
export function parseCsvLayout(names: readonly string[], overrides: TypeOverrides): CsvLayout {
  const fields: FieldColumn[] = [];
  let networkIndex: number | undefined;
  let startIndex: number | undefined;
  let endIndex: number | undefined;

  names.forEach((rawName, index) => {
    const name = rawName.trim();
    if (name === '') return;
    const [pathText = '', typeText, ...rest] = name.split(':');
    if (rest.length > 0) throw new ColumnSpecError(`column ${index + 1} ("${name}") has more than one ":type"`);
    const claim = (current: number | undefined): number => {
      if (current !== undefined) throw new ColumnSpecError(`column ${index + 1} repeats the "${pathText}" column`);
      if (typeText !== undefined) throw new ColumnSpecError(`column ${index + 1} ("${name}") holds addresses and takes no type`);
      return index;
    };
    if (pathText === NETWORK_COLUMN) networkIndex = claim(networkIndex);
    else if (RANGE_START_COLUMNS.includes(pathText)) startIndex = claim(startIndex);
    else if (RANGE_END_COLUMNS.includes(pathText)) endIndex = claim(endIndex);
    else fields.push(fieldColumn(index, name, pathText, typeText, overrides));
  });
  assertNoClashes(fields);

  const base = { columnCount: names.length, fields };
  if (networkIndex !== undefined && startIndex === undefined && endIndex === undefined) {
    return { ...base, kind: 'network', networkIndex };
  }
  if (networkIndex === undefined && startIndex !== undefined && endIndex !== undefined) {
    return { ...base, kind: 'range', startIndex, endIndex };
  }
  throw new ColumnSpecError(
    `the columns must include either "${NETWORK_COLUMN}" (a CIDR) or a start and an end column ` +
      `(${RANGE_START_COLUMNS.join('/')} and ${RANGE_END_COLUMNS.join('/')}), not both`,
  );
}

function fieldColumn(index: number, name: string, pathText: string, typeText: string | undefined, overrides: TypeOverrides): FieldColumn {
  const path = pathText.split('.');
  if (path.some((segment) => segment === '')) throw new ColumnSpecError(`column ${index + 1} ("${name}") has an empty field name`);
  if (typeText !== undefined && !isFieldType(typeText)) {
    throw new ColumnSpecError(`column ${index + 1} ("${name}") has unknown type "${typeText}"; known types: ${FIELD_TYPES.join(', ')}`);
  }
  return { index, path, type: typeText ?? declaredFieldType(path, overrides) ?? 'utf8_string' };
}

/** A field may appear once, and not also as the parent of another field (`a` and `a.b`). */
function assertNoClashes(fields: readonly FieldColumn[]): void {
  for (const a of fields) {
    for (const b of fields) {
      if (a !== b && a.path.length <= b.path.length && a.path.every((segment, i) => b.path[i] === segment)) {
        throw new ColumnSpecError(`columns ${a.index + 1} and ${b.index + 1} both set field "${a.path.join('.')}"`);
      }
    }
  }
}
