import type { AddressWords } from './search-tree.js';

const IPV4_SPACE_END = 0xffff_ffffn;

/** Counts the trailing zero bits of a non-zero 32-bit value. */
function trailingZeros32(value: number): number {
  return 31 - Math.clz32(value & -value);
}

function bigIntTrailingZeros(value: bigint, max: number): number {
  let zeros = 0;
  while (zeros < max && ((value >> BigInt(zeros)) & 1n) === 0n) zeros++;
  return zeros;
}

function floorLog2(value: bigint): number {
  return value.toString(2).length - 1;
}

/**
 * The networks to insert, as CIDRs in the 128-bit tree with the id of their record, kept in typed
 * arrays (an address is four 32-bit words). Ranges are split into the fewest CIDRs that cover them.
 */
export class NetworkList {
  private words = new Uint32Array(4 * 4096);
  private prefixLengths = new Uint8Array(4096);
  private recordIds = new Int32Array(4096);
  private count = 0;

  get length(): number {
    return this.count;
  }

  add(words: AddressWords, prefixLength: number, recordId: number): void {
    if (this.count === this.prefixLengths.length) this.grow();
    this.words.set(words, this.count * 4);
    this.prefixLengths[this.count] = prefixLength;
    this.recordIds[this.count] = recordId;
    this.count++;
  }

  /** Adds the CIDRs covering start..end (inclusive, start <= end), passing each through `accept`. */
  addRange(start: bigint, end: bigint, recordId: number, accept: (words: AddressWords, prefixLength: number) => boolean): void {
    const push = (words: AddressWords, prefixLength: number): void => {
      if (accept(words, prefixLength)) this.add(words, prefixLength, recordId);
    };
    if (end <= IPV4_SPACE_END) {
      // Fast path in plain numbers for the IPv4 space (::/96), where most ranges are.
      let first = Number(start);
      const last = Number(end);
      while (first <= last) {
        const alignment = first === 0 ? 32 : trailingZeros32(first);
        const fitting = Math.floor(Math.log2(last - first + 1));
        let bits = Math.min(alignment, fitting);
        // Math.log2 can round up just below a power of two; step back when the block overshoots.
        while (first + 2 ** bits - 1 > last) bits--;
        push([0, 0, 0, first], 128 - bits);
        first += 2 ** bits;
      }
      return;
    }
    let first = start;
    while (first <= end) {
      const bits = Math.min(bigIntTrailingZeros(first, 128), floorLog2(end - first + 1n));
      push(toWords(first), 128 - bits);
      first += 1n << BigInt(bits);
    }
  }

  /** Frees the storage once the networks are in the tree (the list is then empty). */
  release(): void {
    this.words = new Uint32Array(0);
    this.prefixLengths = new Uint8Array(0);
    this.recordIds = new Int32Array(0);
    this.count = 0;
  }

  /** Visits every CIDR from least to most specific; equal prefix lengths keep their insertion order. */
  forEachBySpecificity(visit: (words: AddressWords, prefixLength: number, recordId: number) => void): void {
    const starts = new Int32Array(130);
    for (let i = 0; i < this.count; i++) starts[this.prefixLengths[i]! + 1]!++;
    for (let length = 1; length < starts.length; length++) starts[length]! += starts[length - 1]!;
    const order = new Int32Array(this.count);
    for (let i = 0; i < this.count; i++) order[starts[this.prefixLengths[i]!]!++] = i;
    for (const i of order) {
      const w = this.words;
      visit([w[i * 4]!, w[i * 4 + 1]!, w[i * 4 + 2]!, w[i * 4 + 3]!], this.prefixLengths[i]!, this.recordIds[i]!);
    }
  }

  private grow(): void {
    const capacity = this.prefixLengths.length * 2;
    const words = new Uint32Array(capacity * 4);
    const prefixLengths = new Uint8Array(capacity);
    const recordIds = new Int32Array(capacity);
    words.set(this.words);
    prefixLengths.set(this.prefixLengths);
    recordIds.set(this.recordIds);
    this.words = words;
    this.prefixLengths = prefixLengths;
    this.recordIds = recordIds;
  }
}

export function toWords(value: bigint): AddressWords {
  return [
    Number((value >> 96n) & 0xffff_ffffn),
    Number((value >> 64n) & 0xffff_ffffn),
    Number((value >> 32n) & 0xffff_ffffn),
    Number(value & 0xffff_ffffn),
  ];
}
