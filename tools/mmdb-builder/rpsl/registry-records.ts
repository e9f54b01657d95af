import { CLASSIFICATIONS, type Classification } from '../../../lambdas/shared/enrichment/classify.js';
import { type RegistryVerdict, classifyRegistryObject, registryHolderName } from '../../../lambdas/shared/enrichment/registry-classify.js';
import type { MmdbMap } from '../mmdb-value.js';
import type { OverlayLayer } from '../mmdb-writer.js';
import { DistinctRows, NONE } from '../compact-tables.js';
import { COLUMN, type RegistryCollector } from './registry-collector.js';

/** Statuses of a provider's block: its holder is the `isp` of everything inside. */
const ALLOCATION_STATUS = /^(ALLOCATED|SUB-ALLOCATED|LIR-PARTITIONED|AGGREGATED-BY-LIR|REALLOCATED)/;

/** Columns of a distinct record: string ids, then the classification's index, then the evidence's id. */
const RECORD = {
  organisation: 0,
  isp: 1,
  country: 2,
  netname: 3,
  status: 4,
  orgType: 5,
  source: 6,
  lastModified: 7,
  classification: 8,
  evidence: 9,
} as const;
const RECORD_WIDTH = 10;
const STRING_COLUMNS = [0, 1, 2, 3, 4, 5, 6, 7, 9];

export interface RegistryLayout {
  readonly records: number;
  readonly byClassification: Readonly<Record<Classification, number>>;
}

function compareWords(collector: RegistryCollector, a: number, b: number, column: number): number {
  for (let i = 0; i < 4; i++) {
    const x = collector.networks.get(a, column + i) >>> 0;
    const y = collector.networks.get(b, column + i) >>> 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function wordsValue(collector: RegistryCollector, row: number, column: number): bigint {
  let value = 0n;
  for (let i = 0; i < 4; i++) value = (value << 32n) | BigInt(collector.networks.get(row, column + i) >>> 0);
  return value;
}

/** One network resolved: its holder's organisation, the provider whose allocation encloses it, its verdict. */
export interface ResolvedNetwork {
  /** The network's row in the collector (networks in the order the inputs hold them). */
  readonly row: number;
  readonly orgName: string | null;
  readonly orgType: string | null;
  readonly descr: readonly string[];
  readonly providerName: string | null;
  readonly verdict: RegistryVerdict;
}

/**
 * Resolves every collected network, outer networks before the networks nested in them: its holder's
 * organisation (wherever the inputs define it), the nearest enclosing allocation's holder (its provider),
 * and its classification.
 */
export function resolveRegistryNetworks(collector: RegistryCollector, visit: (network: ResolvedNetwork) => void): void {
  const { networks, strings } = collector;
  const count = networks.length;
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  // Outer before inner: by first address, then the wider range first.
  order.sort((a, b) => compareWords(collector, a, b, COLUMN.start) || compareWords(collector, b, a, COLUMN.end));

  const isAllocationStatus = new Map<number, boolean>();
  const isAllocation = (row: number): boolean => {
    const status = networks.get(row, COLUMN.status);
    let known = isAllocationStatus.get(status);
    if (known === undefined) isAllocationStatus.set(status, (known = ALLOCATION_STATUS.test(strings.text(status) ?? '')));
    return known;
  };

  const enclosing = new Int32Array(count);
  const providerAt = new Int32Array(count);
  let depth = 0;

  for (const row of order) {
    while (depth > 0 && compareWords(collector, enclosing[depth - 1]!, row, COLUMN.end) < 0) depth--;
    const allocation = isAllocation(row);
    const provider = allocation ? row : depth > 0 ? providerAt[depth - 1]! : NONE;
    const org = networks.get(row, COLUMN.org);
    const organisation = collector.organisationOf(row);
    const providerOrganisation = provider === NONE ? undefined : collector.organisationOf(provider);
    const descr = collector.descriptions.text(networks.get(row, COLUMN.descr))?.split('\n') ?? [];
    const orgName = organisation?.name ?? null;
    const verdict = classifyRegistryObject({
      netname: strings.text(networks.get(row, COLUMN.netname)),
      descr,
      status: strings.text(networks.get(row, COLUMN.status)),
      orgName,
      orgType: organisation?.type ?? null,
      heldByProvider: provider !== NONE && org !== NONE && networks.get(provider, COLUMN.org) === org,
    });
    visit({ row, orgName, orgType: organisation?.type ?? null, descr, providerName: providerOrganisation?.name ?? null, verdict });
    enclosing[depth] = row;
    providerAt[depth] = provider;
    depth++;
  }
}

/**
 * Turns every collected network into a distinct record, inserted into an overlay layer: the most
 * specific registry object wins where they nest, and AS data from the layers under it is kept in every record.
 */
export function layRegistryNetworks(collector: RegistryCollector, layer: OverlayLayer): RegistryLayout {
  const { networks, strings } = collector;
  const records = new DistinctRows(RECORD_WIDTH);
  const tuple = new Int32Array(RECORD_WIDTH);
  const byClassification = Object.fromEntries(CLASSIFICATIONS.map((c) => [c, 0])) as Record<Classification, number>;
  resolveRegistryNetworks(collector, ({ row, orgName, orgType, descr, providerName, verdict }) => {
    byClassification[verdict.classification]++;
    tuple[RECORD.organisation] = strings.id(registryHolderName(orgName, descr));
    tuple[RECORD.isp] = strings.id(providerName);
    tuple[RECORD.country] = networks.get(row, COLUMN.country);
    tuple[RECORD.netname] = networks.get(row, COLUMN.netname);
    tuple[RECORD.status] = networks.get(row, COLUMN.status);
    tuple[RECORD.orgType] = strings.id(orgType);
    tuple[RECORD.source] = networks.get(row, COLUMN.source);
    tuple[RECORD.lastModified] = networks.get(row, COLUMN.lastModified);
    tuple[RECORD.classification] = CLASSIFICATIONS.indexOf(verdict.classification);
    tuple[RECORD.evidence] = strings.id(verdict.evidence);
    layer.insertRecordRange(wordsValue(collector, row, COLUMN.start), wordsValue(collector, row, COLUMN.end), records.id(tuple));
  });
  records.freeze();
  // Strings in one record only (most netnames) are written in place; repeated ones once, then pointed to.
  const uses = new Uint8Array(strings.size);
  for (let id = 0; id < records.rows.length; id++) {
    for (const column of STRING_COLUMNS) {
      const string = records.rows.get(id, column);
      if (string !== NONE && uses[string]! < 2) uses[string]!++;
    }
  }
  layer.records = {
    record: (id) => registryRecord(records, id, (column) => strings.text(records.rows.get(id, column))),
    remembers: (text) => {
      const id = strings.idOf(text);
      return id === NONE || uses[id]! > 1;
    },
  };
  return { records: records.rows.length, byClassification };
}

/**
 * The record of one registry network (documented in the README, "Company data from the registries"):
 * GeoIP2-ISP-style top-level `organization` and `isp`, GeoIP2-style `country.iso_code`, and the
 * registry's evidence under `registry`.
 */
function registryRecord(records: DistinctRows, id: number, text: (column: number) => string | null): MmdbMap {
  const record: Record<string, MmdbMap[string]> = {};
  const organisation = text(RECORD.organisation);
  const isp = text(RECORD.isp);
  const country = text(RECORD.country);
  if (organisation) record.organization = organisation;
  if (isp) record.isp = isp;
  if (country) record.country = { iso_code: country };
  const registry: Record<string, string> = {
    classification: CLASSIFICATIONS[records.rows.get(id, RECORD.classification)]!,
    evidence: text(RECORD.evidence)!,
  };
  const evidence: ReadonlyArray<[string, number]> = [
    ['netname', RECORD.netname],
    ['status', RECORD.status],
    ['org_type', RECORD.orgType],
    ['source', RECORD.source],
    ['last_modified', RECORD.lastModified],
  ];
  for (const [key, column] of evidence) {
    const value = text(column);
    if (value) registry[key] = value;
  }
  record.registry = registry;
  return record;
}
