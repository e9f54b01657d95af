import { DATA_TYPE, PAYLOAD_SIZE_BASE, POINTER_BASE } from '../../lambdas/shared/enrichment/mmdb-format.js';
import { type MmdbMap, type MmdbValue, MmdbNumber, canonicalKey, sortedKeys } from './mmdb-value.js';

const MAX_PAYLOAD_SIZE = PAYLOAD_SIZE_BASE.threeBytes + 0xff_ffff;
const SPILL_BYTES = 16 * 1024 * 1024;

function isContainer(value: MmdbValue): boolean {
  return typeof value === 'object' && !(value instanceof MmdbNumber) && !(value instanceof Uint8Array);
}

/** Where a value's full (non-pointer) encoding starts and how many bytes it takes. */
interface WrittenValue {
  readonly offset: number;
  readonly size: number;
}

/** Bytes a pointer to `offset` takes (spec: "Pointers"). */
function pointerSize(offset: number): number {
  if (offset < POINTER_BASE.twoBytes) return 2;
  if (offset < POINTER_BASE.threeBytes) return 3;
  if (offset < POINTER_BASE.fourBytes) return 4;
  return 5;
}

/**
 * Encodes values into an MMDB data section. With deduplication on (the data section), a value already
 * written is replaced by a pointer to its first copy whenever the pointer is shorter, so identical
 * records, repeated strings and repeated map keys are each stored once. Map keys are written in sorted
 * order so that equal records always give equal bytes.
 */
export class DataEncoder {
  private bytes = Buffer.alloc(64 * 1024);
  private length = 0;
  /** Bytes already handed to `spill` (they precede `bytes`). */
  private spilled = 0;
  private readonly written = new Map<string, WrittenValue>();
  private containersUnique = false;
  private remembers: ((text: string) => boolean) | undefined;

  /**
   * With `spill`, every 16 MB of finished bytes are handed over (to be written out) and dropped, so a data
   * section of hundreds of MB is never held in memory: pointers only ever refer back by offset.
   */
  constructor(
    private readonly deduplicate: boolean,
    private readonly spill?: (bytes: Buffer) => void,
  ) {}

  get size(): number {
    return this.spilled + this.length;
  }

  /** Writes a top-level value (once) and returns the offset of its full encoding. */
  add(value: MmdbValue): number {
    const key = canonicalKey(value);
    const existing = this.written.get(key);
    if (existing) return existing.offset;
    return this.writeInline(value, key);
  }

  /**
   * Writes a value the caller knows to be new (registry records, each built once): its maps and arrays
   * are written without computing or remembering their keys, which would cost memory per record; its
   * strings and numbers are still stored once, except strings `remembers` says occur only here.
   * Returns the value's offset.
   */
  addUnique(value: MmdbValue, remembers?: (text: string) => boolean): number {
    const offset = this.size;
    this.containersUnique = true;
    this.remembers = remembers;
    try {
      this.encode(value);
    } finally {
      this.containersUnique = false;
      this.remembers = undefined;
    }
    return offset;
  }

  /** The encoded bytes so far that were not spilled (a view, valid until the next write). */
  contents(): Buffer {
    return this.bytes.subarray(0, this.length);
  }

  private writeValue(value: MmdbValue): void {
    if (!this.deduplicate) {
      this.writeInline(value, '');
      return;
    }
    if (this.containersUnique && (isContainer(value) || (typeof value === 'string' && this.remembers?.(value) === false))) {
      this.encode(value);
      return;
    }
    const key = canonicalKey(value);
    const existing = this.written.get(key);
    if (existing && pointerSize(existing.offset) < existing.size) this.writePointer(existing.offset);
    else this.writeInline(value, key);
  }

  private writeInline(value: MmdbValue, key: string): number {
    const offset = this.size;
    this.encode(value);
    if (this.deduplicate && !this.written.has(key)) this.written.set(key, { offset, size: this.size - offset });
    return offset;
  }

  private encode(value: MmdbValue): void {
    if (typeof value === 'string') {
      const byteLength = Buffer.byteLength(value, 'utf8');
      this.writeControl(DATA_TYPE.utf8_string, byteLength);
      this.reserve(byteLength);
      this.length += this.bytes.write(value, this.length, 'utf8');
    } else if (typeof value === 'boolean') {
      this.writeControl(DATA_TYPE.boolean, value ? 1 : 0);
    } else if (value instanceof MmdbNumber) {
      this.encodeNumber(value);
    } else if (value instanceof Uint8Array) {
      this.writeControl(DATA_TYPE.bytes, value.length);
      this.writeBytes(value);
    } else if (Array.isArray(value)) {
      this.writeControl(DATA_TYPE.array, value.length);
      for (const item of value as readonly MmdbValue[]) this.writeValue(item);
    } else {
      const map = value as MmdbMap;
      const keys = sortedKeys(map);
      this.writeControl(DATA_TYPE.map, keys.length);
      for (const key of keys) {
        this.writeValue(key);
        this.writeValue(map[key]!);
      }
    }
  }

  private encodeNumber({ type, value }: MmdbNumber): void {
    switch (type) {
      case 'double':
        this.writeControl(DATA_TYPE.double, 8);
        this.reserve(8);
        this.length = this.bytes.writeDoubleBE(value as number, this.length);
        return;
      case 'float':
        this.writeControl(DATA_TYPE.float, 4);
        this.reserve(4);
        this.length = this.bytes.writeFloatBE(value as number, this.length);
        return;
      case 'int32':
        // Negative values take all four bytes (two's complement); positive ones as few as needed.
        if ((value as number) < 0) {
          this.writeControl(DATA_TYPE.int32, 4);
          this.reserve(4);
          this.length = this.bytes.writeInt32BE(value as number, this.length);
          return;
        }
        this.writeUnsigned(DATA_TYPE.int32, BigInt(value));
        return;
      default:
        this.writeUnsigned(DATA_TYPE[type], BigInt(value));
    }
  }

  /** Unsigned integers use the fewest big-endian bytes; zero has no payload. */
  private writeUnsigned(type: number, value: bigint): void {
    const payload: number[] = [];
    for (let rest = value; rest > 0n; rest >>= 8n) payload.unshift(Number(rest & 0xffn));
    this.writeControl(type, payload.length);
    this.writeBytes(payload);
  }

  private writePointer(target: number): void {
    if (target < POINTER_BASE.twoBytes) {
      this.writeBytes([0x20 | (target >>> 8), target & 0xff]);
    } else if (target < POINTER_BASE.threeBytes) {
      const v = target - POINTER_BASE.twoBytes;
      this.writeBytes([0x28 | (v >>> 16), (v >>> 8) & 0xff, v & 0xff]);
    } else if (target < POINTER_BASE.fourBytes) {
      const v = target - POINTER_BASE.threeBytes;
      this.writeBytes([0x30 | (v >>> 24), (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
    } else {
      this.writeBytes([0x38, target >>> 24, (target >>> 16) & 0xff, (target >>> 8) & 0xff, target & 0xff]);
    }
  }

  /** Control byte, extended-type byte for types above 7, then the size extension bytes. */
  private writeControl(type: number, size: number): void {
    if (size > MAX_PAYLOAD_SIZE) throw new RangeError(`a value of ${size} bytes/entries exceeds the MMDB limit`);
    let sizeBits: number;
    let sizeBytes: number[];
    if (size < PAYLOAD_SIZE_BASE.oneByte) {
      sizeBits = size;
      sizeBytes = [];
    } else if (size < PAYLOAD_SIZE_BASE.twoBytes) {
      sizeBits = 29;
      sizeBytes = [size - PAYLOAD_SIZE_BASE.oneByte];
    } else if (size < PAYLOAD_SIZE_BASE.threeBytes) {
      sizeBits = 30;
      const v = size - PAYLOAD_SIZE_BASE.twoBytes;
      sizeBytes = [v >>> 8, v & 0xff];
    } else {
      sizeBits = 31;
      const v = size - PAYLOAD_SIZE_BASE.threeBytes;
      sizeBytes = [v >>> 16, (v >>> 8) & 0xff, v & 0xff];
    }
    if (type <= 7) this.writeBytes([(type << 5) | sizeBits, ...sizeBytes]);
    else this.writeBytes([sizeBits, type - 7, ...sizeBytes]);
  }

  private writeBytes(values: ArrayLike<number>): void {
    this.reserve(values.length);
    for (let i = 0; i < values.length; i++) this.bytes[this.length++] = values[i]!;
  }

  private reserve(extra: number): void {
    if (this.spill && this.length + extra > SPILL_BYTES && this.length > 0) {
      this.spill(this.bytes.subarray(0, this.length));
      this.spilled += this.length;
      this.length = 0;
    }
    if (this.length + extra <= this.bytes.length) return;
    // Grow by half: a data section of several hundred MB must not briefly need three times its size.
    let capacity = Math.ceil(this.bytes.length * 1.5);
    while (capacity < this.length + extra) capacity = Math.ceil(capacity * 1.5);
    const grown = Buffer.alloc(capacity);
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }
}
