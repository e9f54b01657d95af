import { CorruptDatabaseError, DATA_TYPE, PAYLOAD_SIZE_BASE, POINTER_BASE } from './mmdb-format.js';

/**
 * Decodes values of an MMDB data or metadata section (MaxMind DB spec, "Output Data Section") into plain
 * JavaScript, as the `maxmind` reader does: maps → objects, uint64/uint128 → bigint, bytes → a Buffer
 * view. Pointers are followed. One decoder reads one section; it keeps its position between calls
 * instead of allocating a cursor per value.
 */
export class MmdbDecoder {
  private position = 0;

  /** `pointerBase`: where the section starts in `db` (pointers count from there). */
  constructor(
    private readonly db: Buffer,
    private readonly pointerBase: number,
  ) {}

  /** The value encoded at byte `offset` of the file. */
  valueAt(offset: number): unknown {
    this.position = offset;
    return this.next();
  }

  private next(): unknown {
    const { db } = this;
    const control = this.byte();
    let type = control >> 5;
    if (type === DATA_TYPE.pointer) {
      const target = this.pointerTarget(control);
      const resume = this.position;
      const value = this.valueAt(target);
      this.position = resume;
      return value;
    }
    if (type === DATA_TYPE.extended) {
      type = 7 + this.byte();
      if (type < 8) throw new CorruptDatabaseError('an extended type byte names a basic type');
    }
    const size = this.payloadSize(control & 0x1f);
    const start = this.position;
    switch (type) {
      case DATA_TYPE.utf8_string:
        this.position += size;
        return db.toString('utf8', start, this.position);
      case DATA_TYPE.map: {
        const map: Record<string, unknown> = {};
        for (let i = 0; i < size; i++) {
          const key = this.next();
          map[key as string] = this.next();
        }
        return map;
      }
      case DATA_TYPE.uint16:
      case DATA_TYPE.uint32:
        if (size > 4) throw new CorruptDatabaseError(`an unsigned integer of ${size} bytes`);
        this.position += size;
        return size === 0 ? 0 : db.readUIntBE(start, size);
      case DATA_TYPE.double:
        this.position += size;
        return db.readDoubleBE(start);
      case DATA_TYPE.array: {
        const array: unknown[] = new Array<unknown>(size);
        for (let i = 0; i < size; i++) array[i] = this.next();
        return array;
      }
      case DATA_TYPE.boolean:
        return size !== 0;
      case DATA_TYPE.float:
        this.position += size;
        return db.readFloatBE(start);
      case DATA_TYPE.bytes:
        this.position += size;
        return db.subarray(start, this.position);
      case DATA_TYPE.int32:
        this.position += size;
        if (size === 0) return 0;
        return size < 4 ? db.readUIntBE(start, size) : db.readInt32BE(start);
      case DATA_TYPE.uint64:
      case DATA_TYPE.uint128: {
        if (size > 16) throw new CorruptDatabaseError(`an unsigned integer of ${size} bytes`);
        let value = 0n;
        for (let i = 0; i < size; i++) value = (value << 8n) | BigInt(db[start + i]!);
        this.position += size;
        return value;
      }
      default:
        throw new CorruptDatabaseError(`unknown data type ${type}`);
    }
  }

  private byte(): number {
    const value = this.db[this.position++];
    if (value === undefined) throw new CorruptDatabaseError('a value reaches past the end of the file');
    return value;
  }

  /** Sizes from 29 on continue in 1–3 more bytes (spec: "Payload Size"). */
  private payloadSize(sizeBits: number): number {
    if (sizeBits < PAYLOAD_SIZE_BASE.oneByte) return sizeBits;
    if (sizeBits === 29) return PAYLOAD_SIZE_BASE.oneByte + this.byte();
    if (sizeBits === 30) return PAYLOAD_SIZE_BASE.twoBytes + ((this.byte() << 8) | this.byte());
    return PAYLOAD_SIZE_BASE.threeBytes + ((this.byte() << 16) | (this.byte() << 8) | this.byte());
  }

  /** The file offset a pointer refers to (spec: "Pointer - 1"): 001SSVVV, then SS + 1 more bytes. */
  private pointerTarget(control: number): number {
    const extraBytes = (control >> 3) & 3;
    const high = control & 7;
    switch (extraBytes) {
      case 0:
        return this.pointerBase + ((high << 8) | this.byte());
      case 1:
        return this.pointerBase + POINTER_BASE.twoBytes + ((high << 16) | (this.byte() << 8) | this.byte());
      case 2:
        return this.pointerBase + POINTER_BASE.threeBytes + ((high << 24) | (this.byte() << 16) | (this.byte() << 8) | this.byte());
      default:
        return this.pointerBase + this.byte() * 0x100_0000 + ((this.byte() << 16) | (this.byte() << 8) | this.byte());
    }
  }
}
