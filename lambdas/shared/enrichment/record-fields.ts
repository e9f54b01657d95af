import { CLASSIFICATIONS, type Classification } from './classify.js';

/**
 * What a Regional Internet Registry says about the network (databases built from RPSL dumps keep it
 * under `registry`; see the README, "Company data from the registries"). The builder classified the
 * network from the whole registry object, and `evidence` says why.
 */
export interface RegistryFields {
  readonly classification: Classification;
  readonly evidence: string | null;
  readonly netname: string | null;
  /** As published, e.g. ASSIGNED PA. */
  readonly status: string | null;
  /** The holder's org-type: LIR, OTHER, … */
  readonly orgType: string | null;
  /** The registry the object came from: RIPE, APNIC, … */
  readonly source: string | null;
  /** The object's last-modified date (YYYY-MM-DD). */
  readonly lastModified: string | null;
}

/**
 * Reads the fields the API cares about out of any MaxMind-format record, whatever the database kind:
 * GeoIP2 Enterprise/City/Country/Insights keep them under `traits` (plus `country`), the ISP, ASN,
 * Domain, Connection-Type and Anonymous-IP databases (and the default database) keep them at the top
 * level under the same names. Values of the wrong type are ignored rather than trusted.
 */
export interface RecordFields {
  readonly organisation: string | null;
  readonly domain: string | null;
  readonly asnNumber: number | null;
  readonly asnOrganisation: string | null;
  readonly isp: string | null;
  readonly connectionType: string | null;
  readonly userType: string | null;
  /** ISO 3166-1 alpha-2 code of the country the network is located in. */
  readonly country: string | null;
  readonly mobileCountryCode: string | null;
  /** MaxMind's anonymiser flags that are set (is_anonymous, is_tor_exit_node, …). */
  readonly anonymiserFlags: readonly string[];
  readonly isHostingProvider: boolean;
  /** A corporate proxy or VPN (MaxMind's is_legitimate_proxy): the organisation is known. */
  readonly isLegitimateProxy: boolean;
  /** Present only in databases built from registry (RPSL) data. */
  readonly registry: RegistryFields | null;
}

const ANONYMISER_FLAGS = [
  'is_anonymous',
  'is_anonymous_proxy',
  'is_anonymous_vpn',
  'is_public_proxy',
  'is_residential_proxy',
  'is_tor_exit_node',
] as const;

export function recordFields(record: Readonly<Record<string, unknown>>): RecordFields {
  const traits = isObject(record.traits) ? record.traits : record;
  const country = isObject(record.country) ? record.country : undefined;
  return {
    organisation: text(traits.organization),
    domain: text(traits.domain),
    asnNumber: typeof traits.autonomous_system_number === 'number' ? traits.autonomous_system_number : null,
    asnOrganisation: text(traits.autonomous_system_organization),
    isp: text(traits.isp),
    connectionType: text(traits.connection_type),
    userType: text(traits.user_type),
    country: text(country?.iso_code),
    mobileCountryCode: text(traits.mobile_country_code),
    anonymiserFlags: ANONYMISER_FLAGS.filter((flag) => traits[flag] === true),
    isHostingProvider: traits.is_hosting_provider === true,
    isLegitimateProxy: traits.is_legitimate_proxy === true,
    registry: registryFields(record.registry),
  };
}

function registryFields(registry: unknown): RegistryFields | null {
  if (!isObject(registry)) return null;
  const classification = CLASSIFICATIONS.find((known) => known === registry.classification);
  if (!classification) return null;
  return {
    classification,
    evidence: text(registry.evidence),
    netname: text(registry.netname),
    status: text(registry.status),
    orgType: text(registry.org_type),
    source: text(registry.source),
    lastModified: text(registry.last_modified),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}
