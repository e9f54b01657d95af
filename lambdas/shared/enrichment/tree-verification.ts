/**
 * A single pass over an MMDB search tree (MaxMind DB spec, "Search Tree Section"): counts the networks
 * that carry data and proves every record points at a node, "no data" or inside the data section.
 * Lookups trust the tree; walking it once (at synth for a deployed file, at open otherwise) turns a
 * corrupt file into one clear error instead of wrong answers later. Not to be confused with the
 * builder's SearchTree (tools/mmdb-builder), which builds a tree.
 */
import { CorruptDatabaseError, DATA_SECTION_SEPARATOR_SIZE } from './mmdb-format.js';
import { treeRecordReader } from './tree-records.js';

export interface SearchTreeLayout {
  readonly nodeCount: number;
  /** Bits per record: 24, 28 or 32. */
  readonly recordSize: number;
  /** 32 for an IPv4 tree, 128 for an IPv6 tree. */
  readonly treeDepth: number;
  /** Byte length of the search tree section. */
  readonly searchTreeSize: number;
  /** Byte offset where the metadata section (and so the data section's end) begins. */
  readonly dataSectionEnd: number;
}

/** Checks the whole tree; returns the number of networks with data (IPv4 aliases in IPv6 trees, ::ffff:0:0/96 and 2002::/16, count once). */
export function verifySearchTree(db: Uint8Array, layout: SearchTreeLayout): number {
  const { nodeCount, treeDepth } = layout;
  const readRecord = treeRecordReader(db, layout.recordSize);
  if ((nodeCount * layout.recordSize) / 4 !== layout.searchTreeSize || layout.searchTreeSize + DATA_SECTION_SEPARATOR_SIZE > layout.dataSectionEnd) {
    throw new CorruptDatabaseError('the node count does not match the file size');
  }
  const maxPointer = nodeCount + layout.dataSectionEnd - layout.searchTreeSize;
  const visited = new Uint8Array(nodeCount);
  const nodes: number[] = [0];
  const depths: number[] = [0];
  let networks = 0;

  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (visited[node]) continue;
    visited[node] = 1;
    for (let side = 0; side < 2; side++) {
      const record = readRecord(node, side);
      if (record < nodeCount) {
        if (depth + 1 >= treeDepth) throw new CorruptDatabaseError('the search tree is deeper than the address length');
        nodes.push(record);
        depths.push(depth + 1);
      } else if (record > nodeCount) {
        if (record - nodeCount < DATA_SECTION_SEPARATOR_SIZE || record >= maxPointer) {
          throw new CorruptDatabaseError('a search tree record points outside the data section');
        }
        networks++;
      }
    }
  }
  return networks;
}
