import { CorruptDatabaseError } from './mmdb-format.js';

/** Record `side` (0 left, 1 right) of search-tree node `node`: a node number, "no data" or a data pointer. */
export type TreeRecordReader = (node: number, side: number) => number;

/** The record reader of a tree of 24-, 28- or 32-bit records (MaxMind DB spec, "Node Layout"). */
export function treeRecordReader(db: Uint8Array, recordSize: number): TreeRecordReader {
  switch (recordSize) {
    case 24:
      return (node, side) => {
        const o = node * 6 + side * 3;
        return (db[o]! << 16) | (db[o + 1]! << 8) | db[o + 2]!;
      };
    case 28:
      return (node, side) => {
        const o = node * 7;
        return side === 0
          ? ((db[o + 3]! & 0xf0) << 20) | (db[o]! << 16) | (db[o + 1]! << 8) | db[o + 2]!
          : ((db[o + 3]! & 0x0f) << 24) | (db[o + 4]! << 16) | (db[o + 5]! << 8) | db[o + 6]!;
      };
    case 32:
      return (node, side) => {
        const o = node * 8 + side * 4;
        return db[o]! * 0x100_0000 + ((db[o + 1]! << 16) | (db[o + 2]! << 8) | db[o + 3]!);
      };
    default:
      throw new CorruptDatabaseError(`unsupported record size ${recordSize}`);
  }
}
