import { closeSync, fstatSync, openSync, read, readFileSync } from 'node:fs';
import type { IpAddress } from '../ip/ip-address.js';
import { MmdbDecoder } from './mmdb-decoder.js';
import { CorruptDatabaseError, DATA_SECTION_SEPARATOR_SIZE, METADATA_MARKER } from './mmdb-format.js';
import { BoundedRecordCache } from './record-cache.js';
import { treeRecordReader, type TreeRecordReader } from './tree-records.js';
import { verifySearchTree } from './tree-verification.js';

/** What the API tells about the loaded database (health, and every enrichment's `database`). */
export interface DatabaseInfo {
  /** The file's database_type, e.g. GeoIP2-Enterprise, GeoLite2-ASN or the default database's type. */
  readonly type: string;
  /** Build time from the file's metadata (ISO 8601). */
  readonly buildDate: string;
  /** The file's English description: where the data comes from and under which licence. */
  readonly description: string | null;
  readonly ipVersion: 4 | 6;
  /** Networks (search-tree records) that carry data. */
  readonly recordCount: number;
}

export interface DatabaseMatch {
  /** The raw record of the most specific network containing the address. */
  readonly record: Readonly<Record<string, unknown>>;
  /** That network's prefix length: bits of the address (0–32 for IPv4, 0–128 for IPv6). */
  readonly prefixLength: number;
}

export class DatabaseOpenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DatabaseOpenError';
  }
}

/** Where the MMDB layer puts the database (layers are extracted under /opt) and functions open it. */
export const MMDB_LAYER_PATH = '/opt/mmdb/database.mmdb';

export interface OpenOptions {
  /**
   * The network count of this very file, found by a full walk of its search tree when the deployment was
   * built (the CDK layer checks the file at synth). Given, the walk is not repeated at every cold start.
   */
  readonly verifiedNetworkCount?: number;
}

/** Distinct records kept decoded: the default database has ~91,000, a few KB-sized GeoIP2 records fit too. */
const RECORD_CACHE_ENTRIES = 100_000;

/** The metadata fields the reader needs (MaxMind DB spec, "Database Metadata"). */
interface Metadata {
  readonly databaseType: string;
  readonly description: unknown;
  readonly ipVersion: 4 | 6;
  readonly nodeCount: number;
  readonly recordSize: number;
  readonly buildEpoch: number;
}

/**
 * One MaxMind DB file, read and checked once (per container) and then queried from memory.
 * Opening fails with a DatabaseOpenError naming the file and the problem, never later per request.
 */
export class MmdbDatabase {
  readonly info: DatabaseInfo;
  private readonly nodeCount: number;
  private readonly readRecord: TreeRecordReader;
  /** The node where IPv4 addresses start: ::/96 in an IPv6 tree, the root in an IPv4 tree. */
  private readonly ipv4Root: number;
  /** File offset of a data record = tree record value + this. */
  private readonly dataRecordBase: number;
  private readonly decoder: MmdbDecoder;
  private readonly records = new BoundedRecordCache(RECORD_CACHE_ENTRIES);

  private constructor(contents: Buffer, metadata: Metadata, info: DatabaseInfo) {
    this.info = info;
    this.nodeCount = metadata.nodeCount;
    this.readRecord = treeRecordReader(contents, metadata.recordSize);
    const searchTreeSize = (metadata.nodeCount * metadata.recordSize) / 4;
    this.dataRecordBase = searchTreeSize - metadata.nodeCount;
    this.decoder = new MmdbDecoder(contents, searchTreeSize + DATA_SECTION_SEPARATOR_SIZE);
    let node = 0;
    for (let depth = 0; metadata.ipVersion === 6 && depth < 96 && node < this.nodeCount; depth++) node = this.readRecord(node, 0);
    this.ipv4Root = node;
  }

  /**
   * The database as a deployed function opens it: MMDB_PATH (default: the layer's file) and
   * MMDB_NETWORK_COUNT, the count the CDK layer verified at synth for the same file (its asset hash).
   * The file is read in one request to the thread pool, so the function's other init work (logger,
   * clients, a secret fetch) runs meanwhile instead of after it.
   */
  static async openDeployed(env: NodeJS.ProcessEnv = process.env): Promise<MmdbDatabase> {
    const count = env.MMDB_NETWORK_COUNT;
    if (count !== undefined && !/^\d+$/.test(count)) throw new DatabaseOpenError('MMDB_NETWORK_COUNT must be a whole number');
    const path = env.MMDB_PATH || MMDB_LAYER_PATH;
    const contents = await readWholeFile(path).catch((error: unknown) => {
      throw readError(path, error);
    });
    return MmdbDatabase.fromBuffer(contents, path, { verifiedNetworkCount: count === undefined ? undefined : Number(count) });
  }

  static open(path: string, options: OpenOptions = {}): MmdbDatabase {
    let contents: Buffer;
    try {
      contents = readFileSync(path);
    } catch (error) {
      throw readError(path, error);
    }
    return MmdbDatabase.fromBuffer(contents, path, options);
  }

  static fromBuffer(contents: Buffer, source: string, { verifiedNetworkCount }: OpenOptions = {}): MmdbDatabase {
    try {
      const markerAt = contents.lastIndexOf(METADATA_MARKER);
      if (markerAt < 0) throw new CorruptDatabaseError('no MaxMind DB metadata marker');
      const metadata = readMetadata(contents, markerAt + METADATA_MARKER.length);
      const recordCount =
        verifiedNetworkCount ??
        verifySearchTree(contents, {
          nodeCount: metadata.nodeCount,
          recordSize: metadata.recordSize,
          treeDepth: metadata.ipVersion === 4 ? 32 : 128,
          searchTreeSize: (metadata.nodeCount * metadata.recordSize) / 4,
          dataSectionEnd: markerAt,
        });
      return new MmdbDatabase(contents, metadata, {
        type: metadata.databaseType,
        buildDate: new Date(metadata.buildEpoch * 1000).toISOString(),
        description: englishDescription(metadata.description),
        ipVersion: metadata.ipVersion,
        recordCount,
      });
    } catch (error) {
      throw new DatabaseOpenError(`${source} is not a usable MaxMind DB file: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * The most specific network holding data for the address, or undefined when the database has none:
   * a walk down the search tree from the address's bytes, one bit a level (spec: "Searching the tree").
   */
  lookup(address: IpAddress): DatabaseMatch | undefined {
    const { bytes } = address;
    let node: number;
    if (bytes.length === 4) node = this.ipv4Root;
    else if (this.info.ipVersion === 6) node = 0;
    else return undefined;
    const { nodeCount, readRecord } = this;
    const bitCount = bytes.length * 8;
    let depth = 0;
    for (; depth < bitCount && node < nodeCount; depth++) node = readRecord(node, (bytes[depth >> 3]! >> (7 - (depth & 7))) & 1);
    if (node <= nodeCount) return undefined;
    const record = this.recordAt(node + this.dataRecordBase);
    if (record === null || typeof record !== 'object') return undefined;
    return { record: record as Record<string, unknown>, prefixLength: depth };
  }

  /** Each distinct record is decoded once and then handed out as the same object (see BoundedRecordCache). */
  private recordAt(offset: number): unknown {
    let record = this.records.get(offset);
    if (record === undefined) {
      record = this.decoder.valueAt(offset);
      this.records.set(offset, record);
    }
    return record;
  }
}

function readError(path: string, error: unknown): DatabaseOpenError {
  return new DatabaseOpenError(`cannot read the MMDB database at ${path}: ${(error as NodeJS.ErrnoException).code ?? 'read error'}`, { cause: error });
}

/**
 * The whole file, read by one thread-pool request that is under way when this returns (fs.readFile
 * would come back to this thread every 512 KB, and so wait for the caller's synchronous work).
 */
async function readWholeFile(path: string): Promise<Buffer> {
  const fd = openSync(path, 'r');
  try {
    const contents = Buffer.allocUnsafe(fstatSync(fd).size);
    for (let offset = 0; offset < contents.length; ) {
      const bytesRead = await readInto(fd, contents, offset);
      if (bytesRead === 0) throw new Error('the file shrank while it was read');
      offset += bytesRead;
    }
    return contents;
  } finally {
    closeSync(fd);
  }
}

function readInto(fd: number, buffer: Buffer, offset: number): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, buffer, offset, buffer.length - offset, offset, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead)));
  });
}

function readMetadata(contents: Buffer, start: number): Metadata {
  const fields = new MmdbDecoder(contents, start).valueAt(start);
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) throw new CorruptDatabaseError('the metadata is not a map');
  const { binary_format_major_version, database_type, description, ip_version, node_count, record_size, build_epoch } = fields as Record<string, unknown>;
  if (binary_format_major_version !== 2) throw new CorruptDatabaseError(`unsupported format version ${String(binary_format_major_version)}`);
  if (ip_version !== 4 && ip_version !== 6) throw new CorruptDatabaseError(`unsupported ip_version ${String(ip_version)}`);
  if (record_size !== 24 && record_size !== 28 && record_size !== 32) throw new CorruptDatabaseError(`unsupported record size ${String(record_size)}`);
  if (typeof node_count !== 'number') throw new CorruptDatabaseError('the metadata has no node_count');
  if (typeof build_epoch !== 'bigint' && typeof build_epoch !== 'number') throw new CorruptDatabaseError('the metadata has no build_epoch');
  return {
    databaseType: typeof database_type === 'string' ? database_type : '',
    description,
    ipVersion: ip_version,
    nodeCount: node_count,
    recordSize: record_size,
    buildEpoch: Number(build_epoch),
  };
}

/** The spec makes `description` a map of language → text; the reader's type says string. Accept both. */
function englishDescription(description: unknown): string | null {
  if (typeof description === 'string') return description || null;
  if (description && typeof description === 'object') {
    const texts = description as Record<string, unknown>;
    const text = texts.en ?? Object.values(texts)[0];
    return typeof text === 'string' ? text : null;
  }
  return null;
}
