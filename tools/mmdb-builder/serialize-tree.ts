import type { NumberedTree } from './search-tree.js';

export type RecordSize = 24 | 28 | 32;
export const RECORD_SIZES: readonly RecordSize[] = [24, 28, 32];

/** The smallest record size that can hold `maxRecordValue`, or the forced one (checked). */
export function chooseRecordSize(maxRecordValue: number, forced?: RecordSize): RecordSize {
  const fitting = RECORD_SIZES.find((size) => maxRecordValue < 2 ** size);
  if (fitting === undefined) throw new RangeError('the database is too large for 32-bit records');
  if (forced === undefined) return fitting;
  if (forced < fitting) throw new RangeError(`record size ${forced} is too small for this database; it needs ${fitting}`);
  return forced;
}

/**
 * Writes the search tree section: per node, its left and right record as big-endian integers of
 * `recordSize` bits (28-bit records share their top nibbles in the middle byte, spec "Node Layout").
 * `toRecordValue` maps a tree record (node number, data record or empty) to the value to store.
 */
export function serializeTree(tree: NumberedTree, recordSize: RecordSize, toRecordValue: (record: number) => number): Buffer {
  const nodeBytes = recordSize / 4;
  const bytes = Buffer.alloc(tree.nodeCount * nodeBytes);
  for (let node = 0; node < tree.nodeCount; node++) {
    const left = toRecordValue(tree.records[node * 2]!);
    const right = toRecordValue(tree.records[node * 2 + 1]!);
    const offset = node * nodeBytes;
    if (recordSize === 24) {
      bytes.writeUIntBE(left, offset, 3);
      bytes.writeUIntBE(right, offset + 3, 3);
    } else if (recordSize === 28) {
      bytes.writeUIntBE(left & 0xff_ffff, offset, 3);
      bytes[offset + 3] = ((left >>> 24) << 4) | (right >>> 24);
      bytes.writeUIntBE(right & 0xff_ffff, offset + 4, 3);
    } else {
      bytes.writeUInt32BE(left, offset);
      bytes.writeUInt32BE(right, offset + 4);
    }
  }
  return bytes;
}
