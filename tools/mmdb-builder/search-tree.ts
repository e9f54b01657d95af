/**
 * The binary search tree of an IPv6 MMDB, built in typed arrays (two Int32Arrays of records) so millions
 * of nodes cost a few tens of MB.
 *
 * A record holds 0 for "no data", a positive node index (the root, node 0, is never a child), or
 * -(recordId + 1) for a data record.
 */

export const NO_DATA = 0;

/** A 128-bit address as four 32-bit words, most significant first. */
export type AddressWords = readonly [number, number, number, number];

export function dataRecord(recordId: number): number {
  return -(recordId + 1);
}

export function recordIdOf(record: number): number {
  return -record - 1;
}

function bitAt(words: AddressWords, depth: number): number {
  return (words[depth >>> 5]! >>> (31 - (depth & 31))) & 1;
}

/** The finished tree: node records in output order, ready to serialize. */
export interface NumberedTree {
  readonly nodeCount: number;
  /** For output node i: its left record, then its right record, with node references renumbered. */
  readonly records: Int32Array;
}

export class SearchTree {
  private left = new Int32Array(1 << 16);
  private right = new Int32Array(1 << 16);
  private nodeCount = 1;

  /**
   * Sets the network's record to the data record, splitting any less specific data record on the way.
   * Callers insert networks from least to most specific, so the record being set never holds a subtree.
   */
  insert(words: AddressWords, prefixLength: number, record: number): void {
    if (prefixLength === 0) {
      this.left[0] = record;
      this.right[0] = record;
      return;
    }
    const node = this.descend(words, prefixLength - 1);
    this.setRecord(node, bitAt(words, prefixLength - 1), record);
  }

  /**
   * Lays a network of a second layer over the tree: every record inside it (data or empty, at whatever
   * depth) is replaced by `replace(record)`, so the result can combine both layers' records. Callers lay
   * networks from least to most specific, so a more specific network of the layer replaces its parent's part.
   */
  overlay(words: AddressWords, prefixLength: number, replace: (record: number) => number): void {
    if (prefixLength === 0) {
      this.replaceBelow(0, replace);
      return;
    }
    const node = this.descend(words, prefixLength - 1);
    const bit = bitAt(words, prefixLength - 1);
    const record = bit ? this.right[node]! : this.left[node]!;
    if (record > 0) this.replaceBelow(record, replace);
    else this.setRecord(node, bit, replace(record));
  }

  private replaceBelow(root: number, replace: (record: number) => number): void {
    const stack = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (this.left[node]! > 0) stack.push(this.left[node]!);
      else this.left[node] = replace(this.left[node]!);
      if (this.right[node]! > 0) stack.push(this.right[node]!);
      else this.right[node] = replace(this.right[node]!);
    }
  }

  /** The record that a lookup for the network's address reads after `prefixLength` bits. */
  recordAt(words: AddressWords, prefixLength: number): number {
    let node = 0;
    for (let depth = 0; depth < prefixLength; depth++) {
      const record = bitAt(words, depth) ? this.right[node]! : this.left[node]!;
      if (record <= 0 || depth === prefixLength - 1) return record;
      node = record;
    }
    return node;
  }

  /**
   * Collapses every node whose two records are the same data record (or both empty) into that record,
   * which merges adjacent networks with identical records, and numbers the remaining nodes depth first
   * (root = 0). Nodes reachable along several paths (aliases) are numbered once.
   */
  finish(): NumberedTree {
    const UNRESOLVED = -(2 ** 31);
    const resolved = new Int32Array(this.nodeCount).fill(UNRESOLVED);
    const collapse = (node: number): number => {
      if (resolved[node] !== UNRESOLVED) return resolved[node]!;
      const l = this.left[node]! > 0 ? collapse(this.left[node]!) : this.left[node]!;
      const r = this.right[node]! > 0 ? collapse(this.right[node]!) : this.right[node]!;
      this.left[node] = l;
      this.right[node] = r;
      resolved[node] = l === r && l <= 0 && node !== 0 ? l : node;
      return resolved[node]!;
    };
    collapse(0);

    const numberOf = new Int32Array(this.nodeCount).fill(-1);
    // Typed, not a JavaScript array: tens of millions of nodes must not cost 8 bytes each plus growth copies.
    const order = new Int32Array(this.nodeCount);
    let numbered = 0;
    const stack = [0];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (numberOf[node] !== -1) continue;
      numberOf[node] = numbered;
      order[numbered++] = node;
      if (this.right[node]! > 0) stack.push(this.right[node]!);
      if (this.left[node]! > 0) stack.push(this.left[node]!);
    }

    const records = new Int32Array(numbered * 2);
    const renumber = (record: number): number => (record > 0 ? numberOf[record]! : record);
    for (let index = 0; index < numbered; index++) {
      const node = order[index]!;
      records[index * 2] = renumber(this.left[node]!);
      records[index * 2 + 1] = renumber(this.right[node]!);
    }
    return { nodeCount: numbered, records };
  }

  /**
   * Points the record of `alias` at whatever the record of `target` holds, so lookups in the alias
   * network continue in the target's subtree (used for the IPv4-mapped and 6to4 IPv4 aliases).
   */
  alias(aliasWords: AddressWords, aliasPrefixLength: number, targetWords: AddressWords, targetPrefixLength: number): void {
    const target = this.recordAt(targetWords, targetPrefixLength);
    this.insert(aliasWords, aliasPrefixLength, target);
  }

  /** Walks `depth` bits from the root, creating nodes where needed, and returns the node at that depth. */
  private descend(words: AddressWords, depth: number): number {
    let node = 0;
    for (let d = 0; d < depth; d++) {
      const bit = bitAt(words, d);
      const record = bit ? this.right[node]! : this.left[node]!;
      if (record > 0) {
        node = record;
        continue;
      }
      const child = this.addNode(record);
      this.setRecord(node, bit, child);
      node = child;
    }
    return node;
  }

  /** A new node whose two halves inherit the record it splits. */
  private addNode(inherited: number): number {
    if (this.nodeCount === this.left.length) this.grow();
    const node = this.nodeCount++;
    this.left[node] = inherited;
    this.right[node] = inherited;
    return node;
  }

  private setRecord(node: number, bit: number, record: number): void {
    if (bit) this.right[node] = record;
    else this.left[node] = record;
  }

  private grow(): void {
    const left = new Int32Array(this.left.length * 2);
    const right = new Int32Array(this.right.length * 2);
    left.set(this.left);
    right.set(this.right);
    this.left = left;
    this.right = right;
  }
}
