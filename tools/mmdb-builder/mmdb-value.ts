/**
 * The typed value model the writer stores. JSON cannot say "float or double" or "uint16 or uint32", so
 * numbers are always wrapped in an MmdbNumber that carries its MMDB type; strings, booleans, byte arrays,
 * arrays and plain objects (maps) are unambiguous and stay plain.
 */

const NUMERIC_TYPES = ['double', 'float', 'uint16', 'uint32', 'int32', 'uint64', 'uint128'] as const;
export type NumericType = (typeof NUMERIC_TYPES)[number];

/** Every type a field can be declared as (CSV headers, --type flags). */
export const FIELD_TYPES = ['utf8_string', 'boolean', ...NUMERIC_TYPES] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export function isFieldType(name: string): name is FieldType {
  return (FIELD_TYPES as readonly string[]).includes(name);
}

const INTEGER_LIMITS: Record<Exclude<NumericType, 'double' | 'float'>, readonly [bigint, bigint]> = {
  uint16: [0n, 0xffffn],
  uint32: [0n, 0xffff_ffffn],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  uint128: [0n, 2n ** 128n - 1n],
};

export class MmdbNumber {
  /** uint64/uint128 hold a bigint (the `maxmind` reader returns bigint for them); the others a number. */
  readonly value: number | bigint;

  /** Throws a RangeError when the value does not fit the type. */
  constructor(
    readonly type: NumericType,
    value: number | bigint,
  ) {
    if (type === 'double' || type === 'float') {
      if (typeof value !== 'number') throw new RangeError(`${type} needs a number`);
      this.value = type === 'float' ? Math.fround(value) : value;
      return;
    }
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new RangeError(`${value} is not an integer that ${type} can hold exactly`);
    }
    const asBigInt = BigInt(value);
    const [min, max] = INTEGER_LIMITS[type];
    if (asBigInt < min || asBigInt > max) throw new RangeError(`${value} is out of range for ${type}`);
    this.value = type === 'uint64' || type === 'uint128' ? asBigInt : Number(asBigInt);
  }
}

export type MmdbValue = string | boolean | Uint8Array | MmdbNumber | readonly MmdbValue[] | MmdbMap;
export interface MmdbMap {
  readonly [key: string]: MmdbValue;
}

/** Orders map keys by Unicode code point, which is UTF-8 byte order (the order MaxMind's writer uses). */
function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

export function sortedKeys(map: MmdbMap): string[] {
  return Object.keys(map).sort(compareKeys);
}

function numberText(value: number | bigint): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/**
 * A string that is equal for two values exactly when they encode to the same bytes (map key order does
 * not matter: maps are written with sorted keys). Used to store identical records and values once.
 */
export function canonicalKey(value: MmdbValue): string {
  if (typeof value === 'string') return `s${value.length}:${value}`;
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  if (value instanceof MmdbNumber) return `${value.type}:${numberText(value.value)};`;
  if (value instanceof Uint8Array) return `b${Buffer.from(value).toString('hex')};`;
  if (Array.isArray(value)) return `a${value.length}[${value.map(canonicalKey).join('')}]`;
  const map = value as MmdbMap;
  const keys = sortedKeys(map);
  return `m${keys.length}{${keys.map((key) => `${key.length}:${key}${canonicalKey(map[key]!)}`).join('')}}`;
}
