/**
 * Storage for millions of registry objects without a JavaScript object each: strings interned to ids,
 * rows of ids in growable typed arrays, and rows deduplicated through an open-addressing hash table.
 */

export const NONE = -1;

function hashBytes(bytes: Buffer, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return (hash ^ (hash >>> 15)) >>> 0;
}

/**
 * Each distinct string once, by id, kept as UTF-8 bytes in one growing buffer rather than as JavaScript
 * strings: millions of netnames cost their bytes plus eight, and no string keeps the input text it was
 * cut from alive. NONE stands for "absent".
 */
export class StringTable {
  private bytes = Buffer.alloc(1 << 20);
  private used = 0;
  private starts = new Int32Array(1 << 12);
  private lengths = new Int32Array(1 << 12);
  private count = 0;
  private slots = new Int32Array(1 << 13).fill(NONE);

  get size(): number {
    return this.count;
  }

  /** The id of `text`, storing it when it is new. */
  id(text: string | null | undefined): number {
    if (text === null || text === undefined || text === '') return NONE;
    const found = this.find(text);
    if (found.id !== NONE) return found.id;
    if (this.count === this.starts.length) this.growIndex();
    const id = this.count++;
    this.starts[id] = this.used;
    this.lengths[id] = found.length;
    this.used += found.length;
    this.slots[found.slot] = id;
    if (this.count * 2 > this.slots.length) this.rehash();
    return id;
  }

  /** The id of `text` if it is stored, else NONE; stores nothing. */
  idOf(text: string): number {
    return text === '' ? NONE : this.find(text).id;
  }

  text(id: number): string | null {
    if (id === NONE) return null;
    const start = this.starts[id]!;
    return this.bytes.toString('utf8', start, start + this.lengths[id]!);
  }

  /** Writes `text` after the stored bytes (kept only if the caller stores it) and probes for it. */
  private find(text: string): { readonly id: number; readonly slot: number; readonly length: number } {
    if (this.used + text.length * 3 > this.bytes.length) this.growBytes(text.length * 3);
    const length = this.bytes.write(text, this.used, 'utf8');
    const start = this.used;
    let slot = hashBytes(this.bytes, start, start + length) & (this.slots.length - 1);
    for (;;) {
      const id = this.slots[slot]!;
      if (id === NONE) return { id, slot, length };
      const other = this.starts[id]!;
      if (this.lengths[id] === length && this.bytes.compare(this.bytes, other, other + length, start, start + length) === 0) {
        return { id, slot, length };
      }
      slot = (slot + 1) & (this.slots.length - 1);
    }
  }

  private growBytes(extra: number): void {
    let capacity = Math.ceil(this.bytes.length * 1.5);
    while (capacity < this.used + extra) capacity = Math.ceil(capacity * 1.5);
    const grown = Buffer.alloc(capacity);
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
  }

  private growIndex(): void {
    const starts = new Int32Array(Math.ceil(this.starts.length * 1.5));
    const lengths = new Int32Array(starts.length);
    starts.set(this.starts);
    lengths.set(this.lengths);
    this.starts = starts;
    this.lengths = lengths;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(NONE);
    for (let id = 0; id < this.count; id++) {
      const start = this.starts[id]!;
      let slot = hashBytes(this.bytes, start, start + this.lengths[id]!) & (this.slots.length - 1);
      while (this.slots[slot] !== NONE) slot = (slot + 1) & (this.slots.length - 1);
      this.slots[slot] = id;
    }
  }
}

/** Fixed-width rows of 32-bit integers, appended and read by row number. */
export class IntRows {
  private data: Int32Array;
  private rows = 0;

  constructor(readonly width: number) {
    this.data = new Int32Array(width * 1024);
  }

  get length(): number {
    return this.rows;
  }

  push(values: ArrayLike<number>): number {
    if ((this.rows + 1) * this.width > this.data.length) {
      // Grow by half: millions of rows must not leave up to half their size unused.
      const grown = new Int32Array(Math.ceil((this.data.length * 1.5) / this.width) * this.width);
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(values, this.rows * this.width);
    return this.rows++;
  }

  get(row: number, column: number): number {
    return this.data[row * this.width + column]!;
  }

  row(row: number): Int32Array {
    return this.data.subarray(row * this.width, (row + 1) * this.width);
  }
}

/** Rows stored once: `id(row)` returns the id of an equal row already stored, else stores it. */
export class DistinctRows {
  readonly rows: IntRows;
  private slots = new Int32Array(1 << 16).fill(NONE);

  constructor(width: number) {
    this.rows = new IntRows(width);
  }

  id(values: ArrayLike<number>): number {
    if (this.slots.length === 0) throw new Error('no rows can be added once frozen');
    if (this.rows.length * 2 >= this.slots.length) this.rehash();
    let slot = this.hash(values) & (this.slots.length - 1);
    for (;;) {
      const existing = this.slots[slot]!;
      if (existing === NONE) {
        const id = this.rows.push(values);
        this.slots[slot] = id;
        return id;
      }
      if (this.equals(existing, values)) return existing;
      slot = (slot + 1) & (this.slots.length - 1);
    }
  }

  /** Drops the lookup table: the rows stay readable, no row can be added. */
  freeze(): void {
    this.slots = new Int32Array(0);
  }

  private hash(values: ArrayLike<number>): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < values.length; i++) hash = Math.imul(hash ^ values[i]!, 0x01000193);
    return (hash ^ (hash >>> 15)) >>> 0;
  }

  private equals(id: number, values: ArrayLike<number>): boolean {
    for (let i = 0; i < values.length; i++) if (this.rows.get(id, i) !== values[i]) return false;
    return true;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(NONE);
    for (let id = 0; id < this.rows.length; id++) {
      let slot = this.hash(this.rows.row(id)) & (this.slots.length - 1);
      while (this.slots[slot] !== NONE) slot = (slot + 1) & (this.slots.length - 1);
      this.slots[slot] = id;
    }
  }
}
