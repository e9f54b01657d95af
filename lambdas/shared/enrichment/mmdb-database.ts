import { readFileSync } from 'node:fs';
import { Reader, type Response } from 'maxmind';
import type { IpAddress } from '../ip/ip-address.js';
import { networkCidr } from '../ip/ip-address.js';
import { BoundedRecordCache } from './record-cache.js';
import { CorruptDatabaseError, countNetworks } from './search-tree.js';

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
  /** That network, as CIDR. */
  readonly network: string;
}

export class DatabaseOpenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DatabaseOpenError';
  }
}

/** Where the MMDB layer puts the database: layers are extracted under /opt. */
export const DEFAULT_MMDB_PATH = '/opt/mmdb/database.mmdb';

export interface OpenOptions {
  /**
   * The network count of this very file, found by a full walk of its search tree when the deployment was
   * built (the CDK layer checks the file at synth). Given, the walk is not repeated at every cold start.
   */
  readonly verifiedNetworkCount?: number;
}

/** Distinct records kept decoded: the default database has ~91,000, a few KB-sized GeoIP2 records fit too. */
const RECORD_CACHE_ENTRIES = 100_000;

const METADATA_MARKER = Buffer.from('\xAB\xCD\xEFMaxMind.com', 'latin1');

/**
 * One MaxMind DB file, read and checked once (per container) and then queried from memory.
 * Opening fails with a DatabaseOpenError naming the file and the problem, never later per request.
 */
export class MmdbDatabase {
  readonly info: DatabaseInfo;

  private constructor(private readonly reader: Reader<Response>, info: DatabaseInfo) {
    this.info = info;
  }

  /**
   * The database as a deployed function opens it: MMDB_PATH (default: the layer's file) and
   * MMDB_NETWORK_COUNT, the count the CDK layer verified at synth for the same file (its asset hash).
   */
  static openDeployed(env: NodeJS.ProcessEnv = process.env): MmdbDatabase {
    const count = env.MMDB_NETWORK_COUNT;
    if (count !== undefined && !/^\d+$/.test(count)) throw new DatabaseOpenError('MMDB_NETWORK_COUNT must be a whole number');
    return MmdbDatabase.open(env.MMDB_PATH || DEFAULT_MMDB_PATH, { verifiedNetworkCount: count === undefined ? undefined : Number(count) });
  }

  static open(path: string, options: OpenOptions = {}): MmdbDatabase {
    let contents: Buffer;
    try {
      contents = readFileSync(path);
    } catch (error) {
      throw new DatabaseOpenError(`cannot read the MMDB database at ${path}: ${(error as NodeJS.ErrnoException).code ?? 'read error'}`, { cause: error });
    }
    return MmdbDatabase.fromBuffer(contents, path, options);
  }

  static fromBuffer(contents: Buffer, source: string, { verifiedNetworkCount }: OpenOptions = {}): MmdbDatabase {
    try {
      const dataSectionEnd = contents.lastIndexOf(METADATA_MARKER);
      if (dataSectionEnd < 0) throw new CorruptDatabaseError('no MaxMind DB metadata marker');
      const reader = new Reader<Response>(contents, { cache: new BoundedRecordCache(RECORD_CACHE_ENTRIES) });
      const { metadata } = reader;
      if (metadata.binaryFormatMajorVersion !== 2) throw new CorruptDatabaseError(`unsupported format version ${metadata.binaryFormatMajorVersion}`);
      if (metadata.ipVersion !== 4 && metadata.ipVersion !== 6) throw new CorruptDatabaseError(`unsupported ip_version ${metadata.ipVersion}`);
      const recordCount = verifiedNetworkCount ?? countNetworks(contents, {
        nodeCount: metadata.nodeCount,
        recordSize: metadata.recordSize,
        treeDepth: metadata.ipVersion === 4 ? 32 : 128,
        searchTreeSize: metadata.searchTreeSize,
        dataSectionEnd,
      });
      return new MmdbDatabase(reader, {
        type: metadata.databaseType,
        buildDate: metadata.buildEpoch.toISOString(),
        description: englishDescription(metadata.description),
        ipVersion: metadata.ipVersion,
        recordCount,
      });
    } catch (error) {
      throw new DatabaseOpenError(`${source} is not a usable MaxMind DB file: ${(error as Error).message}`, { cause: error });
    }
  }

  /** The most specific network holding data for the address, or undefined when the database has none. */
  lookup(address: IpAddress): DatabaseMatch | undefined {
    if (address.version === 6 && this.info.ipVersion === 4) return undefined;
    const [record, prefixLength] = this.reader.getWithPrefixLength(address.text);
    if (record === null || typeof record !== 'object') return undefined;
    return { record: record as Record<string, unknown>, network: networkCidr(address, prefixLength) };
  }
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
