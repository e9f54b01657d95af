import { DATA_SECTION_SEPARATOR_SIZE } from '../../lambdas/shared/enrichment/mmdb-format.js';
import { DataEncoder } from './data-encoder.js';
import { IPV4_ALIASES, IPV4_SUBTREE, aliasedNetwork } from './ipv4-aliases.js';
import { encodeMetadata } from './metadata.js';
import { type MmdbValue, canonicalKey } from './mmdb-value.js';
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

/**
 * Collects networks with their records and writes a MaxMind DB (format 2.0, IPv6 tree).
 *
 * Overlaps: the more specific network wins wherever networks overlap, whatever the insertion order; for
 * the very same network the record inserted last wins. Adjacent networks with equal records are merged.
 */
export class MmdbWriter {
  private readonly networks = new NetworkList();
  private readonly recordIds = new Map<string, number>();
  private readonly records: MmdbValue[] = [];
  private readonly aliasing: boolean;
  private shadowed = 0;

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

  get networkCount(): number {
    return this.networks.length;
  }

  toBuffer(): { readonly bytes: Buffer; readonly statistics: MmdbStatistics } {
    const tree = new SearchTree();
    this.networks.forEachBySpecificity((words, prefixLength, recordId) => {
      tree.insert(this.placed(words, prefixLength), prefixLength, dataRecord(recordId));
    });
    if (this.aliasing) {
      for (const alias of IPV4_ALIASES) {
        tree.alias(alias.words, alias.prefixLength, IPV4_SUBTREE.words, IPV4_SUBTREE.prefixLength);
      }
    }
    const numbered = tree.finish();

    // Records are written in the order the tree first refers to them, and only if it still does.
    const data = new DataEncoder(true);
    const dataOffsets = new Int32Array(this.records.length).fill(-1);
    let recordsWritten = 0;
    for (const record of numbered.records) {
      if (record >= NO_DATA) continue;
      const id = recordIdOf(record);
      if (dataOffsets[id] === -1) {
        dataOffsets[id] = data.add(this.records[id]!);
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
    const bytes = Buffer.concat([searchTree, DATA_SECTION_SEPARATOR, data.contents(), metadata]);
    return {
      bytes,
      statistics: {
        networks: this.networks.length,
        records: recordsWritten,
        networksShadowedBy6to4Alias: this.shadowed,
        nodeCount,
        recordSize,
        searchTreeBytes: searchTree.length,
        dataSectionBytes: data.size,
        fileBytes: bytes.length,
      },
    };
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
