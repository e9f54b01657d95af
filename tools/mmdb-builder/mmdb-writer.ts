import { DATA_SECTION_SEPARATOR_SIZE } from '../../lambdas/shared/enrichment/mmdb-format.js';
import { DataEncoder } from './data-encoder.js';
import { IPV4_ALIASES, IPV4_SUBTREE, aliasedNetwork } from './ipv4-aliases.js';
import { encodeMetadata } from './metadata.js';
import { type MmdbMap, type MmdbValue, MmdbNumber, canonicalKey } from './mmdb-value.js';
import { DistinctRows } from './compact-tables.js';
import { NetworkList, toWords } from './network-list.js';
import { type AddressWords, NO_DATA, SearchTree, dataRecord, recordIdOf } from './search-tree.js';
import { type RecordSize, chooseRecordSize, serializeTree } from './serialize-tree.js';

const DATA_SECTION_SEPARATOR = Buffer.alloc(DATA_SECTION_SEPARATOR_SIZE);

export interface MmdbWriterOptions {
  readonly databaseType: string;
  /** Language code → description; put the data's attribution here. */
  readonly description: Readonly<Record<string, string>>;
  /** Locales the records are localised in (metadata `languages`). */
  readonly languages: readonly string[];
  /** Seconds since the Unix epoch (at least 1); never defaulted to the clock, so equal input gives equal bytes. */
  readonly buildEpoch: bigint;
  /** Force a record size; by default the smallest that fits is chosen. */
  readonly recordSize?: RecordSize;
  /** Point ::ffff:0:0/96 and 2002::/16 at the IPv4 subtree (default true, as MaxMind does). */
  readonly ipv4Aliases?: boolean;
}

export interface MmdbStatistics {
  /** CIDRs stored after splitting ranges (before merging). */
  readonly networks: number;
  /** Distinct records written to the data section. */
  readonly records: number;
  /** Input networks inside 2002::/16, answered by the 6to4 alias instead of their own record. */
  readonly networksShadowedBy6to4Alias: number;
  readonly nodeCount: number;
  readonly recordSize: RecordSize;
  readonly searchTreeBytes: number;
  readonly dataSectionBytes: number;
  readonly fileBytes: number;
}

/** Where an overlay layer's records come from, by the ids its networks were inserted with. */
export interface OverlayRecords {
  record(id: number): MmdbMap;
  /** Whether a string of these records is worth storing once and pointing to (false: it occurs once). */
  remembers?(text: string): boolean;
}

/** What the inputs insert networks into: the writer itself, or an overlay layer. */
export interface NetworkSink {
  insertNetwork(address: bigint, treePrefixLength: number, record: MmdbValue): void;
  insertRange(start: bigint, end: bigint, record: MmdbValue): void;
}

/**
 * Networks laid over everything inserted before them: inside such a network, an address's record is
 * the record it had before merged with the layer's record (the layer's fields win), so a layer adds data
 * (a country, a registry holder) instead of hiding the AS numbers under it. Within a layer, the more
 * specific network wins. Records either come as values (deduplicated here) or are numbered by the
 * caller (`insertRecordRange`, with `records` set before the database is written).
 */
export class OverlayLayer implements NetworkSink {
  readonly networks = new NetworkList();
  private readonly values: MmdbMap[] = [];
  private readonly valueIds = new Map<string, number>();
  records: OverlayRecords = { record: (id) => this.values[id]! };

  constructor(private readonly accepts: (words: AddressWords, prefixLength: number) => boolean) {}

  insertNetwork(address: bigint, treePrefixLength: number, record: MmdbValue): void {
    const words = toWords(address);
    if (this.accepts(words, treePrefixLength)) this.networks.add(words, treePrefixLength, this.valueId(record));
  }

  insertRange(start: bigint, end: bigint, record: MmdbValue): void {
    this.insertRecordRange(start, end, this.valueId(record));
  }

  insertRecordRange(start: bigint, end: bigint, recordId: number): void {
    this.networks.addRange(start, end, recordId, this.accepts);
  }

  private valueId(record: MmdbValue): number {
    if (typeof record !== 'object' || Array.isArray(record) || record instanceof MmdbNumber || record instanceof Uint8Array) {
      throw new TypeError('an overlay record must be a map');
    }
    const key = canonicalKey(record);
    let id = this.valueIds.get(key);
    if (id === undefined) {
      id = this.values.push(record as MmdbMap) - 1;
      this.valueIds.set(key, id);
    }
    return id;
  }
}

/**
 * Collects networks with their records and writes a MaxMind DB (format 2.0, IPv6 tree).
 *
 * Overlaps: the more specific network wins wherever networks overlap, whatever the insertion order; for
 * the very same network the record inserted last wins. Adjacent networks with equal records are merged.
 */
export class MmdbWriter implements NetworkSink {
  private readonly networks = new NetworkList();
  private readonly recordIds = new Map<string, number>();
  private readonly records: MmdbValue[] = [];
  private readonly aliasing: boolean;
  private shadowed = 0;
  private readonly overlays: OverlayLayer[] = [];

  constructor(private readonly options: MmdbWriterOptions) {
    if (options.buildEpoch < 1n) throw new RangeError('build epoch must be at least 1: libmaxminddb rejects a build_epoch of 0');
    this.aliasing = options.ipv4Aliases ?? true;
  }

  /** Inserts a CIDR; `address` and `treePrefixLength` are in the 128-bit tree (IPv4 in ::/96). */
  insertNetwork(address: bigint, treePrefixLength: number, record: MmdbValue): void {
    const recordId = this.recordIdFor(record);
    const words = toWords(address);
    if (this.accepts(words, treePrefixLength)) this.networks.add(words, treePrefixLength, recordId);
  }

  /** Inserts an inclusive range of tree positions (start <= end), split into CIDRs. */
  insertRange(start: bigint, end: bigint, record: MmdbValue): void {
    const recordId = this.recordIdFor(record);
    this.networks.addRange(start, end, recordId, (words, prefixLength) => this.accepts(words, prefixLength));
  }

  /** A new overlay layer, laid over everything inserted before it (and under later layers). */
  addOverlayLayer(): OverlayLayer {
    const layer = new OverlayLayer((words, prefixLength) => this.accepts(words, prefixLength));
    this.overlays.push(layer);
    return layer;
  }

  get networkCount(): number {
    return this.overlays.reduce((sum, layer) => sum + layer.networks.length, this.networks.length);
  }

  toBuffer(): { readonly bytes: Buffer; readonly statistics: MmdbStatistics } {
    const { parts, statistics } = this.toParts();
    return { bytes: Buffer.concat(parts), statistics };
  }

  /**
   * The database as consecutive parts (search tree, separator, data section, metadata), to be written in
   * turn. With `spillData`, the data section's first bytes are handed to it while they are encoded (in
   * order; they belong between the separator and the rest of the data section, which is in the parts).
   */
  toParts(spillData?: (bytes: Buffer) => void): { readonly parts: readonly Buffer[]; readonly statistics: MmdbStatistics } {
    const networks = this.networkCount;
    const { numbered, combined } = this.buildTree();

    // Records are written in the order the tree first refers to them, and only if it still does.
    const data = new DataEncoder(true, spillData);
    const dataOffsets = new Int32Array(this.records.length + combined.count).fill(-1);
    let recordsWritten = 0;
    for (const record of numbered.records) {
      if (record >= NO_DATA) continue;
      const id = recordIdOf(record);
      if (dataOffsets[id] === -1) {
        dataOffsets[id] = id < this.records.length ? data.add(this.records[id]!) : data.addUnique(combined.record(id), combined.remembers(id));
        recordsWritten++;
      }
    }

    const { nodeCount } = numbered;
    const recordSize = chooseRecordSize(nodeCount + DATA_SECTION_SEPARATOR.length + data.size, this.options.recordSize);
    const searchTree = serializeTree(numbered, recordSize, (record) => {
      if (record > 0) return record;
      if (record === NO_DATA) return nodeCount;
      return nodeCount + DATA_SECTION_SEPARATOR.length + dataOffsets[recordIdOf(record)]!;
    });
    const metadata = encodeMetadata({
      databaseType: this.options.databaseType,
      description: this.options.description,
      languages: this.options.languages,
      buildEpoch: this.options.buildEpoch,
      nodeCount,
      recordSize,
    });
    const parts = [searchTree, DATA_SECTION_SEPARATOR, data.contents(), metadata];
    return {
      parts,
      statistics: {
        networks,
        records: recordsWritten,
        networksShadowedBy6to4Alias: this.shadowed,
        nodeCount,
        recordSize,
        searchTreeBytes: searchTree.length,
        dataSectionBytes: data.size,
        fileBytes: searchTree.length + DATA_SECTION_SEPARATOR.length + data.size + metadata.length,
      },
    };
  }

  /**
   * The numbered search tree, and the combined records its overlay layers made. The tree's working
   * arrays are garbage once this returns, and so are the overlay networks (a writer writes once).
   */
  private buildTree() {
    const tree = new SearchTree();
    this.networks.forEachBySpecificity((words, prefixLength, recordId) => {
      tree.insert(this.placed(words, prefixLength), prefixLength, dataRecord(recordId));
    });
    const combined = this.layOverlays(tree);
    for (const layer of this.overlays) layer.networks.release();
    if (this.aliasing) {
      for (const alias of IPV4_ALIASES) {
        tree.alias(alias.words, alias.prefixLength, IPV4_SUBTREE.words, IPV4_SUBTREE.prefixLength);
      }
    }
    return { numbered: tree.finish(), combined };
  }

  /**
   * Lays the overlay layers over the tree, in order. A tree record then refers to a combined record
   * (ids after the first layer's): one layer's record over the record it covered, or over none.
   */
  private layOverlays(tree: SearchTree): {
    readonly count: number;
    record(id: number): MmdbMap;
    remembers(id: number): ((text: string) => boolean) | undefined;
  } {
    const baseCount = this.records.length;
    // Per combined record: its layer, the layer's record id, and the id of the record under it (-1: none).
    const combined = new DistinctRows(3);
    const row = new Int32Array(3);
    const layerOf = (index: number) => combined.rows.get(index, 0);
    const overlayOf = (index: number) => combined.rows.get(index, 1);
    const underOf = (index: number) => combined.rows.get(index, 2);
    this.overlays.forEach((layer, layerIndex) => {
      const combine = (overlayId: number, underId: number): number => {
        row[0] = layerIndex;
        row[1] = overlayId;
        row[2] = underId;
        return dataRecord(baseCount + combined.id(row));
      };
      layer.networks.forEachBySpecificity((words, prefixLength, overlayId) => {
        tree.overlay(this.placed(words, prefixLength), prefixLength, (record) => {
          if (record === NO_DATA) return combine(overlayId, -1);
          const id = recordIdOf(record);
          // A more specific network of the same layer replaces its parent's part, keeping what is under it.
          return combine(overlayId, id >= baseCount && layerOf(id - baseCount) === layerIndex ? underOf(id - baseCount) : id);
        });
      });
    });
    const record = (id: number): MmdbMap => {
      if (id < baseCount) return this.records[id] as MmdbMap;
      const index = id - baseCount;
      const overlay = this.overlays[layerOf(index)]!.records.record(overlayOf(index));
      const under = underOf(index);
      return under < 0 ? overlay : { ...record(under), ...overlay };
    };
    combined.freeze();
    const remembers = (id: number) => {
      const { records } = this.overlays[layerOf(id - baseCount)]!;
      return records.remembers && ((text: string) => records.remembers!(text));
    };
    return { count: combined.rows.length, record, remembers };
  }

  private recordIdFor(record: MmdbValue): number {
    const key = canonicalKey(record);
    let id = this.recordIds.get(key);
    if (id === undefined) {
      id = this.records.push(record) - 1;
      this.recordIds.set(key, id);
    }
    return id;
  }

  private accepts(words: AddressWords, prefixLength: number): boolean {
    if (this.aliasing && aliasedNetwork(words, prefixLength) === '6to4') {
      this.shadowed++;
      return false;
    }
    return true;
  }

  /** With aliasing, an IPv4-mapped network is stored at its ::/96 position. */
  private placed(words: AddressWords, prefixLength: number): AddressWords {
    return this.aliasing && aliasedNetwork(words, prefixLength) === 'ipv4-mapped' ? [0, 0, 0, words[3]] : words;
  }
}
