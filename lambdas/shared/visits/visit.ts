import type { Classification } from '../enrichment/classify.js';
import type { Enrichment } from '../enrichment/enricher.js';

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

/**
 * Public information about the visitor's organisation: never the address itself, nor any network
 * that narrows it. A stored network (even widened to a /24) leaves only 256 candidates that a holder
 * of the tenant's key could try one by one against the access route; organisation, classification,
 * country and AS describe the organisation without locating the device.
 */
export interface CompanySnapshot {
  readonly classification: Classification;
  readonly organisation: string | null;
  readonly domain: string | null;
  readonly asn: { readonly number: number; readonly organisation: string | null } | null;
  readonly country: string | null;
}

export function companySnapshot(enrichment: Enrichment): CompanySnapshot {
  return {
    classification: enrichment.classification,
    organisation: enrichment.organisation,
    domain: enrichment.domain,
    asn: enrichment.asn,
    country: enrichment.country,
  };
}
