/**
 * Storage for millions of registry objects without a JavaScript object each: strings interned to ids,
 * rows of ids in growable typed arrays, and rows deduplicated through an open-addressing hash table.
 */

export const NONE = -1;

/** Each distinct string once, by id; NONE stands for "absent". */
export class StringTable {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [];

  id(text: string | null | undefined): number {
    if (text === null || text === undefined || text === '') return NONE;
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.values.push(text) - 1;
      this.ids.set(text, id);
    }
    return id;
  }

  text(id: number): string | null {
    return id === NONE ? null : this.values[id]!;
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
      const grown = new Int32Array(this.data.length * 2);
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
