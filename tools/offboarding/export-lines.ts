import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { VISITS_TABLE } from '../../lambdas/shared/visits/table-schema.js';

export type Item = Record<string, AttributeValue>;
export type ItemKey = Record<string, AttributeValue>;

/**
 * One exported item as a line of DynamoDB JSON, the line format of DynamoDB's own export to S3
 * (`{"Item":{"pk":{"S":"…"},…}}`): lossless (number precision, sets, binary as base64) and importable
 * with DynamoDB ImportTable. Attribute names are sorted at every level and set members too, so the
 * same item always gives the same bytes and the file's checksum is reproducible.
 */
export function toExportLine(item: Item): string {
  return `${JSON.stringify({ Item: canonicalMap(item) })}\n`;
}

function canonicalMap(map: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(map).sort().map((name) => [name, canonicalValue(map[name]!)]));
}

function canonicalValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: true };
  if (value.SS !== undefined) return { SS: [...value.SS].sort() };
  if (value.NS !== undefined) return { NS: [...value.NS].sort() };
  if (value.BS !== undefined) return { BS: value.BS.map(base64).sort() };
  if (value.L !== undefined) return { L: value.L.map(canonicalValue) };
  if (value.M !== undefined) return { M: canonicalMap(value.M) };
  throw new Error(`unsupported DynamoDB attribute value with type ${Object.keys(value).join(', ')}`);
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** The primary key (pk, sk) of an exported line; both are strings in the visits table. */
export function keyOfExportLine(line: string): ItemKey {
  const parsed = JSON.parse(line) as { Item?: Record<string, { S?: unknown }> };
  const key: ItemKey = {};
  for (const name of [VISITS_TABLE.partitionKey, VISITS_TABLE.sortKey]) {
    const value = parsed.Item?.[name]?.S;
    if (typeof value !== 'string') throw new Error(`exported line without a string ${name}`);
    key[name] = { S: value };
  }
  return key;
}

/** A key as plain JSON (for checkpoints), and back. Visits keys are strings only. */
export function keyToJson(key: ItemKey): Record<string, string> {
  return Object.fromEntries(
    Object.entries(key).map(([name, value]) => {
      if (value.S === undefined) throw new Error(`key attribute ${name} is not a string`);
      return [name, value.S];
    }),
  );
}

export function keyFromJson(json: Record<string, string>): ItemKey {
  return Object.fromEntries(Object.entries(json).map(([name, value]) => [name, { S: value }]));
}
