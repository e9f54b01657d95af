import type { Classification } from '../enrichment/classify.js';
import type { Enrichment } from '../enrichment/enricher.js';
import { networkCidr, type IpAddress } from '../ip/ip-address.js';

/** One recorded visit of an organisation's visitor, as stored and as listed. */
export interface Visit {
  readonly visitId: string;
  readonly siteId: string;
  readonly pageUrl: string;
  readonly referrer: string | null;
  /** ISO 8601, millisecond precision, UTC. */
  readonly visitedAt: string;
  /** Epoch seconds after which the visit is gone (DynamoDB TTL; filtered out on read before that). */
  readonly expiresAt: number;
  readonly company: CompanySnapshot;
  /** Which database the company information came from. */
  readonly database: { readonly type: string; readonly buildDate: string };
}

/** Public information about the visitor's organisation: never the address itself. */
export interface CompanySnapshot {
  readonly classification: Classification;
  readonly organisation: string | null;
  readonly domain: string | null;
  readonly asn: { readonly number: number; readonly organisation: string | null } | null;
  readonly country: string | null;
  /** The organisation's network, widened to at least a /24 (IPv4) or /48 (IPv6). */
  readonly network: string | null;
}

/**
 * A database network can be as narrow as one host (/32, /128): stored as it is, it would be the
 * visitor's address. Widening it to the usual smallest routed block keeps the company information
 * and drops what could single out one device.
 */
export const STORED_NETWORK_MAX_PREFIX = { 4: 24, 6: 48 } as const;

/** The company part of a visit; `prefixLength` is that of `enrichment.network` (null when none was found). */
export function companySnapshot(enrichment: Enrichment, address: IpAddress, prefixLength: number | null): CompanySnapshot {
  return {
    classification: enrichment.classification,
    organisation: enrichment.organisation,
    domain: enrichment.domain,
    asn: enrichment.asn,
    country: enrichment.country,
    network: prefixLength === null ? null : networkCidr(address, Math.min(prefixLength, STORED_NETWORK_MAX_PREFIX[address.version])),
  };
}
