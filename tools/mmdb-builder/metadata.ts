import { METADATA_MARKER } from '../../lambdas/shared/enrichment/mmdb-format.js';
import { DataEncoder } from './data-encoder.js';
import { type MmdbValue, MmdbNumber } from './mmdb-value.js';
import type { RecordSize } from './serialize-tree.js';

export interface MetadataFields {
  readonly databaseType: string;
  /** Language code → description (include the data's attribution here). */
  readonly description: Readonly<Record<string, string>>;
  readonly languages: readonly string[];
  /** Seconds since the Unix epoch. */
  readonly buildEpoch: bigint;
  readonly nodeCount: number;
  readonly recordSize: RecordSize;
}

/** The marker and the metadata map of an IPv6, binary-format-2.0 database (no pointers inside). */
export function encodeMetadata(fields: MetadataFields): Buffer {
  const metadata: Record<string, MmdbValue> = {
    binary_format_major_version: new MmdbNumber('uint16', 2),
    binary_format_minor_version: new MmdbNumber('uint16', 0),
    build_epoch: new MmdbNumber('uint64', fields.buildEpoch),
    database_type: fields.databaseType,
    description: { ...fields.description },
    ip_version: new MmdbNumber('uint16', 6),
    languages: [...fields.languages],
    node_count: new MmdbNumber('uint32', fields.nodeCount),
    record_size: new MmdbNumber('uint16', fields.recordSize),
  };
  const encoder = new DataEncoder(false);
  encoder.add(metadata);
  return Buffer.concat([METADATA_MARKER, encoder.contents()]);
}
