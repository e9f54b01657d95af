/**
 * A single pass over an MMDB search tree (MaxMind DB spec, "Search Tree Section"): counts the networks
 * that carry data and proves every record points at a node, "no data" or inside the data section.
 * The reader library trusts the tree; walking it once when the database is opened turns a corrupt
 * file into one clear startup error instead of wrong answers later.
 */

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

export class CorruptDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptDatabaseError';
  }
}

const DATA_SECTION_SEPARATOR = 16;

/** Number of networks with data; IPv4 aliases in IPv6 trees (::ffff:0:0/96, 2002::/16) count once. */
export function countNetworks(db: Buffer, layout: SearchTreeLayout): number {
  const { nodeCount, treeDepth } = layout;
  const readRecords = recordReader(db, layout.recordSize);
  const nodeBytes = layout.recordSize / 4;
  if (nodeCount * nodeBytes !== layout.searchTreeSize || layout.searchTreeSize + DATA_SECTION_SEPARATOR > layout.dataSectionEnd) {
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
    for (const record of readRecords(node * nodeBytes)) {
      if (record < nodeCount) {
        if (depth + 1 >= treeDepth) throw new CorruptDatabaseError('the search tree is deeper than the address length');
        nodes.push(record);
        depths.push(depth + 1);
      } else if (record > nodeCount) {
        if (record - nodeCount < DATA_SECTION_SEPARATOR || record >= maxPointer) {
          throw new CorruptDatabaseError('a search tree record points outside the data section');
        }
        networks++;
      }
    }
  }
  return networks;
}

function recordReader(db: Buffer, recordSize: number): (offset: number) => [number, number] {
  switch (recordSize) {
    case 24:
      return (o) => [db.readUIntBE(o, 3), db.readUIntBE(o + 3, 3)];
    case 28:
      return (o) => [((db[o + 3]! & 0xf0) << 20) | db.readUIntBE(o, 3), ((db[o + 3]! & 0x0f) << 24) | db.readUIntBE(o + 4, 3)];
    case 32:
      return (o) => [db.readUInt32BE(o), db.readUInt32BE(o + 4)];
    default:
      throw new CorruptDatabaseError(`unsupported record size ${recordSize}`);
  }
}
