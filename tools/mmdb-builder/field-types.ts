import { type FieldType, type MmdbMap, type MmdbValue, MmdbNumber } from './mmdb-value.js';

/**
 * Numeric GeoIP2/GeoLite2 fields and their MMDB types, as MaxMind writes them (MaxMind-DB's
 * pkg/writer/geoip2.go). A field is matched by its own key, wherever it is nested.
 */
const GEOIP2_NUMERIC_FIELD_TYPES: Readonly<Record<string, FieldType>> = {
  accuracy_radius: 'uint16',
  anonymizer_confidence: 'uint16',
  confidence: 'uint16',
  metro_code: 'uint16',
  autonomous_system_number: 'uint32',
  average_income: 'uint32',
  geoname_id: 'uint32',
  ipv4_24: 'uint32',
  ipv4_32: 'uint32',
  ipv6_32: 'uint32',
  ipv6_48: 'uint32',
  ipv6_64: 'uint32',
  population_density: 'uint32',
  ip_risk: 'double',
  latitude: 'double',
  longitude: 'double',
  score: 'double',
  static_ip_score: 'double',
};

/** Declared types, keyed by a field's dotted path (`location.latitude`) or its own key (`latitude`). */
export type TypeOverrides = Readonly<Record<string, FieldType>>;

/**
 * The declared type of a field: an override for its full path, then one for its key, then the GeoIP2
 * table, then `is_*` → boolean; undefined when nothing declares it.
 */
export function declaredFieldType(path: readonly string[], overrides: TypeOverrides): FieldType | undefined {
  const key = path[path.length - 1] ?? '';
  return (
    overrides[path.join('.')] ??
    overrides[key] ??
    GEOIP2_NUMERIC_FIELD_TYPES[key] ??
    (key.startsWith('is_') ? 'boolean' : undefined)
  );
}

/** Thrown for a value that does not fit its declared type; the reader adds file and line. */
export class FieldValueError extends Error {}

function describePath(path: readonly string[]): string {
  return path.length === 0 ? 'the record' : `field "${path.join('.')}"`;
}

/**
 * Turns a parsed JSON value into the writer's typed model. Numbers take their declared type; a number
 * without one is an error rather than a guess, because a guess could differ from record to record.
 */
export function typeJsonValue(json: unknown, overrides: TypeOverrides, path: readonly string[] = []): MmdbValue {
  if (typeof json === 'string' || typeof json === 'boolean') return json;
  if (typeof json === 'number') {
    const type = declaredFieldType(path, overrides);
    if (type === undefined) {
      throw new FieldValueError(
        `${describePath(path)} is a number with no declared MMDB type; declare one, e.g. --type ${path.join('.')}=uint32`,
      );
    }
    if (type === 'utf8_string' || type === 'boolean') {
      throw new FieldValueError(`${describePath(path)} is declared ${type} but holds a number`);
    }
    try {
      return new MmdbNumber(type, type === 'uint64' || type === 'uint128' ? BigInt(json) : json);
    } catch (error) {
      throw new FieldValueError(`${describePath(path)}: ${(error as Error).message}`);
    }
  }
  if (Array.isArray(json)) return json.map((item) => typeJsonValue(item, overrides, path));
  if (json !== null && typeof json === 'object') {
    const map: Record<string, MmdbValue> = {};
    for (const [key, value] of Object.entries(json)) map[key] = typeJsonValue(value, overrides, [...path, key]);
    return map satisfies MmdbMap;
  }
  throw new FieldValueError(`${describePath(path)} is null; leave the field out instead`);
}

const DECIMAL_INTEGER = /^-?\d+$/;
const DECIMAL_NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const BOOLEAN_TEXT: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false };

/** Parses one CSV cell into its declared type; throws FieldValueError saying why it does not parse. */
export function parseFieldText(text: string, type: FieldType): MmdbValue {
  switch (type) {
    case 'utf8_string':
      return text;
    case 'boolean': {
      const value = BOOLEAN_TEXT[text.toLowerCase()];
      if (value === undefined) throw new FieldValueError(`"${text}" is not a boolean (true/false/1/0)`);
      return value;
    }
    case 'double':
    case 'float':
      if (!DECIMAL_NUMBER.test(text)) throw new FieldValueError(`"${text}" is not a decimal number`);
      return new MmdbNumber(type, Number(text));
    default:
      if (!DECIMAL_INTEGER.test(text)) throw new FieldValueError(`"${text}" is not an integer`);
      try {
        return new MmdbNumber(type, BigInt(text));
      } catch (error) {
        throw new FieldValueError((error as Error).message);
      }
  }
}
