import { networkCidr, type IpAddress } from '../ip/ip-address.js';
import { classify, type Classification } from './classify.js';
import type { DatabaseInfo, DatabaseMatch, MmdbDatabase } from './mmdb-database.js';
import { recordFields } from './record-fields.js';

/** The registry's evidence for the answer (databases built from RPSL dumps); see RegistryFields. */
export interface RegistryEvidence {
  readonly netname: string | null;
  readonly status: string | null;
  readonly orgType: string | null;
  readonly source: string | null;
  readonly lastModified: string | null;
  /** Why the network got its classification. */
  readonly evidence: string | null;
}

/** The one answer shape of the API, whatever kind of MMDB is loaded; unknown values are null. */
export interface Enrichment {
  /** The address looked up, in canonical form (IPv4-mapped IPv6 is given as IPv4). */
  readonly ip: string;
  /** Whether the database holds a record for the address. */
  readonly found: boolean;
  /** The database network containing the address (CIDR). */
  readonly network: string | null;
  readonly organisation: string | null;
  readonly domain: string | null;
  readonly asn: { readonly number: number; readonly organisation: string | null } | null;
  readonly isp: string | null;
  readonly connectionType: string | null;
  readonly userType: string | null;
  /** ISO 3166-1 alpha-2 code. */
  readonly country: string | null;
  readonly classification: Classification;
  /** What the registry says about the network; null unless the database was built from registry data. */
  readonly registry: RegistryEvidence | null;
}

export interface EnrichmentSource {
  readonly type: string;
  readonly buildDate: string;
  /** The database's own description, where its source and licence (attribution) are stated. */
  readonly attribution: string | null;
}

export interface Enricher {
  readonly database: DatabaseInfo;
  /** The database block of an answer: sent once per response, not once per address. */
  readonly source: EnrichmentSource;
  enrich(address: IpAddress): Enrichment;
  /** The enrichment and its network's prefix length (null when not found), for callers that widen the network. */
  enrichWithPrefixLength(address: IpAddress): EnrichmentWithPrefixLength;
}

export interface EnrichmentWithPrefixLength {
  readonly enrichment: Enrichment;
  readonly prefixLength: number | null;
}

/** What a database record says, read once per record: the reader hands out the same (cached) object. */
interface DescribedRecord {
  readonly fields: ReturnType<typeof recordFields>;
  readonly classification: Classification;
}

const NO_RECORD: DescribedRecord = describe({});

function describe(record: Readonly<Record<string, unknown>>): DescribedRecord {
  const fields = recordFields(record);
  return { fields, classification: classify(fields) };
}

export function createEnricher(database: MmdbDatabase): Enricher {
  const { type, buildDate, description } = database.info;
  const source: EnrichmentSource = { type, buildDate, attribution: description };
  const described = new WeakMap<object, DescribedRecord>();
  const describeOnce = (record: Readonly<Record<string, unknown>>): DescribedRecord => {
    let known = described.get(record);
    if (!known) described.set(record, (known = describe(record)));
    return known;
  };
  const answer = (address: IpAddress, match: DatabaseMatch | undefined): Enrichment => {
    const { fields, classification } = match ? describeOnce(match.record) : NO_RECORD;
    return {
      ip: address.text,
      found: match !== undefined,
      network: match ? networkCidr(address, match.prefixLength) : null,
      organisation: fields.organisation,
      domain: fields.domain,
      asn: fields.asnNumber === null ? null : { number: fields.asnNumber, organisation: fields.asnOrganisation },
      isp: fields.isp,
      connectionType: fields.connectionType,
      userType: fields.userType,
      country: fields.country,
      classification,
      registry: fields.registry && {
        netname: fields.registry.netname,
        status: fields.registry.status,
        orgType: fields.registry.orgType,
        source: fields.registry.source,
        lastModified: fields.registry.lastModified,
        evidence: fields.registry.evidence,
      },
    };
  };
  return {
    database: database.info,
    source,
    enrich: (address) => answer(address, database.lookup(address)),
    enrichWithPrefixLength(address) {
      const match = database.lookup(address);
      return { enrichment: answer(address, match), prefixLength: match?.prefixLength ?? null };
    },
  };
}
