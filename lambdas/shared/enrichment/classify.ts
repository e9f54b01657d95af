import type { RecordFields } from './record-fields.js';

export const CLASSIFICATIONS = [
  'business',
  'education',
  'government',
  'isp',
  'hosting',
  'mobile',
  'residential',
  'anonymous',
  'unknown',
] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** Visitors from these networks act for an organisation; only their visits may be stored. */
export const ORGANISATION_CLASSIFICATIONS: ReadonlySet<Classification> = new Set(['business', 'education', 'government']);

/**
 * MaxMind's user_type values. Public-access networks (cafés, hotels, libraries) count as anonymous:
 * the network's owner says nothing about who the visitor is.
 */
const BY_USER_TYPE: Readonly<Record<string, Classification>> = {
  business: 'business',
  cafe: 'anonymous',
  cellular: 'mobile',
  college: 'education',
  consumer_privacy_network: 'anonymous',
  content_delivery_network: 'hosting',
  dialup: 'residential',
  government: 'government',
  hosting: 'hosting',
  library: 'anonymous',
  military: 'government',
  residential: 'residential',
  router: 'isp',
  school: 'education',
  search_engine_spider: 'hosting',
  traveler: 'anonymous',
};

const BY_CONNECTION_TYPE: Readonly<Record<string, Classification>> = {
  Corporate: 'business',
  Cellular: 'mobile',
  'Cable/DSL': 'residential',
  Dialup: 'residential',
  Satellite: 'isp',
};

/** Name patterns, tried in this order on one name; the first that matches decides. */
const BY_NAME: ReadonlyArray<[Classification, RegExp]> = [
  ['education', /universi(t|dad)|univerzit|uniwersytet|college|school|schule|[ée]cole|academ|hochschule|polytechn|politecn|institute of technology|\bedu\b|education/i],
  ['government', /government|\bgov\b|ministry|minist[eè]re|ministerium|ministerio|\bbundes|municipal|gemeente|city of|county of|state of|department of|parliament|police|polizei|\barmy\b|\bnavy\b|air force|military|defen[cs]e/i],
  ['hosting', /hosting|\bhost|data ?cent(er|re)|\bcloud|\bservers?\b|colocation|\bvps\b|\bcdn\b|content delivery|amazon|\baws\b|google|microsoft|azure|digitalocean|\bovh|hetzner|linode|akamai|cloudflare|fastly|vultr|leaseweb|scaleway|contabo|alibaba|tencent|oracle/i],
  ['mobile', /mobil|cellular|\bgsm\b|\bgprs\b|\blte\b|\b[345]g\b/i],
  ['isp', /\btele|communication|\btelco|broadband|internet|\bisp\b|cable|kabel|\bfib(er|re)|dsl\b|\bftth\b|\bnet\b|online|wireless|wifi|\bconnect/i],
];

/**
 * AS names of Europe's national research and education networks and university computing centres,
 * as the AS data spells them (matched case-sensitively: "SURF B.V." but not "Surf Air Wireless").
 */
const RESEARCH_AND_EDUCATION_NETWORKS =
  /^(SURF B\.V\.|Renater|SWITCH\b|BELNET|ARNES|ACONET|CESNET|HEAnet|NORDUnet|Consortium GARR|Jisc Services|Leibniz-Rechenzentrum|SIKT - KUNNSKAPSSEKTORENS)|Deutschen Forschungsnetzes|\/ SUNET|National Infrastructures for Research and Technology|Research and Education Network|Academic and Research Network|Research and Academic Network|Education and Research Network|Educatie si Cercetare|Fraunhofer-Gesellschaft|Max-Planck-Gesellschaft|RESTENA|CSC - Tieteen tietotekniikan keskus/;

const EDUCATION_DOMAIN = /(^|\.)(edu|edu\.[a-z]{2}|ac\.[a-z]{2})$/i;
const GOVERNMENT_DOMAIN = /(^|\.)(gov|mil|gov\.[a-z]{2}|gouv\.[a-z]{2}|gob\.[a-z]{2}|govt\.nz|gv\.at|bund\.de|admin\.ch|europa\.eu)$/i;

/**
 * Derives one classification from what the database knows, strongest evidence first:
 *  1. anonymiser flags (VPN, Tor, public or residential proxy)            → anonymous
 *  1a. a registry classification (databases built from RPSL dumps): the builder decided it from the whole
 *      registry object (see registry-classify.ts) and the record keeps its evidence
 *  2. MaxMind user_type (BY_USER_TYPE)
 *  3. corporate proxy (is_legitimate_proxy)                                → business
 *  4. is_hosting_provider                                                  → hosting
 *  5. connection_type (BY_CONNECTION_TYPE)
 *  6. a mobile country code                                                → mobile
 *  7. the organisation's name (BY_NAME), else its domain (.edu/.ac.xx → education, .gov/.mil/… → government)
 *  8. an organisation that is not its access provider (differs from the ISP and AS names) → business
 *  9. the ISP's, then the AS organisation's name (BY_NAME)
 *     (Europe's research and education networks by their AS names → education)
 * 10. an ISP is named                                                      → isp
 * 11. otherwise                                                            → unknown
 * ASN data alone (the default database) can reach steps 9 and 11 only: an AS name cannot tell a
 * company's own network from a small access provider's, so it never yields `business`, and a visit
 * is stored from it only for an education or government network.
 */
export function classify(fields: RecordFields): Classification {
  if (fields.anonymiserFlags.length > 0) return 'anonymous';
  if (fields.registry) return fields.registry.classification;
  const byUserType = fields.userType ? BY_USER_TYPE[fields.userType] : undefined;
  if (byUserType) return byUserType;
  if (fields.isLegitimateProxy) return 'business';
  if (fields.isHostingProvider) return 'hosting';
  const byConnection = fields.connectionType ? BY_CONNECTION_TYPE[fields.connectionType] : undefined;
  if (byConnection) return byConnection;
  if (fields.mobileCountryCode) return 'mobile';

  const byOrganisation = classifyName(fields.organisation) ?? classifyDomain(fields.domain);
  if (byOrganisation) return byOrganisation;
  if (fields.organisation && isCustomerOfProvider(fields.organisation, [fields.isp, fields.asnOrganisation])) return 'business';

  const byProvider = classifyName(fields.isp) ?? classifyName(fields.asnOrganisation);
  if (byProvider) return byProvider;
  return fields.isp ? 'isp' : 'unknown';
}

function classifyName(name: string | null): Classification | undefined {
  if (!name) return undefined;
  if (RESEARCH_AND_EDUCATION_NETWORKS.test(name)) return 'education';
  return BY_NAME.find(([, pattern]) => pattern.test(name))?.[0];
}

function classifyDomain(domain: string | null): Classification | undefined {
  if (!domain) return undefined;
  if (EDUCATION_DOMAIN.test(domain)) return 'education';
  if (GOVERNMENT_DOMAIN.test(domain)) return 'government';
  return undefined;
}

/**
 * Whether the network is assigned to a customer of the access provider rather than the provider
 * itself: providers are named and none shares the organisation's leading word ("AT&T Worldnet
 * Services" is AT&T's own; "Karlin Peebles LLP" on Towerstream's network is a customer).
 */
function isCustomerOfProvider(organisation: string, providers: ReadonlyArray<string | null>): boolean {
  const named = providers.filter((p): p is string => p !== null);
  const lead = leadingWord(organisation);
  return named.length > 0 && lead !== '' && named.every((provider) => leadingWord(provider) !== lead);
}

function leadingWord(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, '').replace(/^the\s+/, '').trim().split(/\s+/)[0] ?? '';
}
