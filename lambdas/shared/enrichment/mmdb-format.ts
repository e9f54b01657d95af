/**
 * Constants of the MaxMind DB file format (MaxMind DB spec 2.0), shared by the reader (lambdas/shared/enrichment)
 * and the writer (tools/mmdb-builder), so both sides agree by construction.
 */

/** Starts the metadata section at the end of the file: "\xAB\xCD\xEFMaxMind.com". */
export const METADATA_MARKER: Uint8Array = Uint8Array.of(0xab, 0xcd, 0xef, ...Array.from('MaxMind.com', (c) => c.charCodeAt(0)));

/** Zero bytes between the search tree and the data section; tree records count data offsets from its start. */
export const DATA_SECTION_SEPARATOR_SIZE = 16;

/** Type numbers of the data section ("Output Data Section"); 12 and 13 (container, end marker) are never written. */
export const DATA_TYPE = {
  extended: 0,
  pointer: 1,
  utf8_string: 2,
  double: 3,
  bytes: 4,
  uint16: 5,
  uint32: 6,
  map: 7,
  int32: 8,
  uint64: 9,
  uint128: 10,
  array: 11,
  boolean: 14,
  float: 15,
} as const;

/**
 * Payload sizes (spec: "Payload Size"): below 29 in the control byte; from 29, 285 and 65,821 on, this base plus
 * one, two or three more bytes.
 */
export const PAYLOAD_SIZE_BASE = { oneByte: 29, twoBytes: 285, threeBytes: 65_821 } as const;

/** Pointers (spec: "Pointer - 1") with one, two and three more bytes count from these offsets; four-byte ones from 0. */
export const POINTER_BASE = { twoBytes: 2048, threeBytes: 526_336, fourBytes: 134_744_064 } as const;

/** The file breaks the format: it is refused when opened, never read on. */
export class CorruptDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptDatabaseError';
  }
}
