import type { Classification } from './classify.js';

/**
 * What a Regional Internet Registry says about one inetnum/inet6num, as the MMDB builder reads it from an
 * RPSL dump (and keeps in the record): the object's own names and status, its holder's organisation
 * object, and whether the holder is the LIR whose allocation encloses it.
 */
export interface RegistryObject {
  readonly netname: string | null;
  readonly descr: readonly string[];
  /** As published, e.g. "ASSIGNED PA", "ALLOCATED PA", "assigned" (compared case-insensitively). */
  readonly status: string | null;
  /** org-name of the holder's organisation object. */
  readonly orgName: string | null;
  /** org-type of that object: LIR, OTHER, … */
  readonly orgType: string | null;
  /** The holder is the provider itself: its org is the enclosing allocation's org, or it is an LIR. */
  readonly heldByProvider: boolean;
}

export interface RegistryVerdict {
  readonly classification: Classification;
  /** Why, in a few words an operator can check against the registry object. */
  readonly evidence: string;
}

const ALLOCATION_STATUS = /^(allocated|sub-allocated|lir-partitioned|reallocated)/i;
/** AGGREGATED-BY-LIR groups a provider's assignments of one size (often a customer pool): read like an assignment. */
const ASSIGNMENT_STATUS = /^(assigned|reassigned|legacy|aggregated-by-lir)/i;

/** Words for a provider's customer pool, in the EU's languages (plurals: "customer" alone names one customer). */
const CUSTOMER_POOL =
  /\b(dyn(amic)?|dynamisch|dynamique|dinamic[oa]?|dinámic[oa]|dynamiczn\w*|pools?|dial(-?up|in)?|[axv]?dsl|cable|catv|docsis|cmts|ftt[hxbcp]|gpon|broadband|breitband|bras|bng|cgn(at)?|nat[- ]?pool|dhcp|pppoe|ipoe|customers|kunden|privatkunden|klanten|clients|abonn[ée]s|clienti|clientes|klienci|kunder|asiakkaat|[üu]gyfelek|z[áa]kazn[íi]ci|klientai|klienti|residential|residenziale|r[ée]sidentiel|particuliers?|privat(e|kunden)?|consumers?|subscribers|abonnenten|abbonati|home ?users|households?|haushalte)\b/i;
const MOBILE_POOL =
  /\b(gprs|apn|umts|lte|[345]g|ggsn|pgw|epc|gsm|mobilfunk|mobile ?(subscribers|users|customers|pool|data|broadband|internet|network)|mobiele? ?(klanten|data)|clients? mobiles?|rete mobile|red m[óo]vil|cellular)\b/i;
const INFRASTRUCTURE =
  /\b(backbone|infrastructure|infrastruktur|infraestructura|infrastruttura|infrastructuur|infra|point-to-point|p2p|ptp|loopbacks?|lo|transfer(netz|net)?|link-?nets?|interconnects?|peering|core|mgmt|noc|routers?|network management|netzmanagement)\b/i;
const HOSTING =
  /\b(hosting|hoster|colocation|colo|vps|vservers?|virtual servers?|cloud|data ?cent(er|re)s?|datacent(er|re)|rechenzentrum (gmbh|ag)|dedicated servers?|server ?hosting|serverpark|h[ée]bergement|alojamiento|centro dati|centrum danych|housing ?services?)\b/i;
const EDUCATION =
  /(universi(t|dad|dade)|univerzit|uniwersyte|yliopisto|egyetem|[üu]likool|hochschule|hogeschool|h[öo]gskola|coll[eè]ge|[ée]cole|\bschule\b|schulen|\bschools?\b|scuola|escuela|escola|szko[łl]a|vysok[aá] [šs]kola|lyc[ée]e|gymnasium|polytechn|politecnic|politechnika|akadem|academ|institute of technology|research (network|centre|center)|forschungs(netz|zentrum)|education|bildung|onderwijs|\b(surf|dfn|garr|renater|rediris|janet|belnet|funet|nordunet|pionier|cesnet|heanet|grnet|restena|sunet|arnes|carnet|eenet|litnet|roedunet|fccn|aconet|sikt|uninett)\b)/i;
const GOVERNMENT =
  /(government|gouvernement|regierung|\bbundes(amt|ministerium|verwaltung|anstalt)|minist(ry|[eèé]r)|\bmunicipal(ity)?\b|municipalit[ée]|gemeente|\bgemeinde\b|gemeindeverwaltung|stadtverwaltung|landratsamt|landkreis|kreisverwaltung|comune di|ayuntamiento|mairie|ville de|city of|county council|kommune|kommun\b|kunta|urz[ąa]d|\bgmina\b|police|polizei|politie|polic[íi]a|policie|polizia|\bpolis|bundeswehr|armed forces|\barmy\b|parliament|bundestag|landtag|tribunal|gericht|rijksoverheid|\b[ée]tat\b|public administration|[öo]ffentliche verwaltung)/i;
/** A provider's own office network: the provider acts as a company there. */
const OFFICE = /\b(office|offices|corp(orate)?|hq|headquarters?|staff|b[üu]ro|buero|kantoor|bureaux?|oficinas?|ufficio|biuro|siedziba|zentrale|kontor|iroda|escrit[óo]rios?)\b/i;
/**
 * Legal forms of organisations across the EU (and a few neighbours): the holder is a company or body,
 * not a person. Matched as whole tokens (dotted forms such as "s.r.o." end in a dot, not a word boundary).
 */
const LEGAL_FORM =
  /(?<![\p{L}\p{N}])(g?gmbh|ag|kg|ohg|ug|se|e\. ?v\.?|ltd|limited|plc|llp|llc|inc|corp|b\. ?v\.?|bv|n\. ?v\.?|nv|vof|bvba|s\. ?a\.?|sa|s\.?a\.?s\.?u?|sarl|selarl|eurl|snc|scrl|s\.?à ?r\.?l\.?|s\.?r\.?l\.?|s\.?p\.?a\.?|s\.?l\.?|sp\. ?z ?o\. ?o\.?|a\/s|aps|ab|oy|oyj|asa|a\.s\.?|s\.r\.o\.?|spol\.|kft\.?|zrt\.?|nyrt\.?|d\.o\.o\.?|d\.d\.?|o[üu]|sia|uab|eood|ood|ae|lda|vzw|asbl|stiftung|foundation|coop|cooperative|genossenschaft|eg)(?![\p{L}\p{N}])/iu;

/** Org types the registries give to providers: their own networks are infrastructure or pools. */
const PROVIDER_ORG_TYPES = new Set(['LIR', 'NIR', 'RIR', 'IANA']);

const quoted = (match: RegExpExecArray): string => `"${match[0].trim()}"`;

function find(pattern: RegExp, texts: ReadonlyArray<string | null>): RegExpExecArray | undefined {
  for (const text of texts) {
    const match = text ? pattern.exec(text) : null;
    if (match) return match;
  }
  return undefined;
}

/**
 * Classifies one registry object. An allocation (the provider's block) is `isp`, or `hosting` /
 * `education` when its names say so. Within assignments, the network's own words about its users
 * decide first (mobile pool, hosting, customer pool, the provider's infrastructure); then a university
 * or public body by name; then an assignment the provider holds itself is `isp` (its office network
 * `business`); an assignment to another holder is `business` only when the holder is recognisably an
 * organisation (a legal form in its name). Anything else is `unknown`: weak evidence never makes a
 * `business`, because a false `business` stores a private person's visit.
 */
export function classifyRegistryObject(object: RegistryObject): RegistryVerdict {
  const ownWords = [object.netname, ...object.descr];
  const names = [object.orgName, ...object.descr, object.netname];
  const status = object.status?.trim() ?? '';
  const providerHeld = object.heldByProvider || PROVIDER_ORG_TYPES.has(object.orgType?.toUpperCase() ?? '');
  const hosting = find(HOSTING, [...ownWords, object.orgName]);
  const education = find(EDUCATION, names);

  if (ALLOCATION_STATUS.test(status)) {
    if (hosting) return { classification: 'hosting', evidence: `${status} of a hosting provider: ${quoted(hosting)}` };
    if (education) return { classification: 'education', evidence: `${status} held by ${quoted(education)}` };
    return { classification: 'isp', evidence: `${status}: a provider's allocation` };
  }
  if (!ASSIGNMENT_STATUS.test(status)) {
    return { classification: 'unknown', evidence: status ? `status ${status} says nothing about the users` : 'no status' };
  }
  const mobile = find(MOBILE_POOL, ownWords);
  if (mobile) return { classification: 'mobile', evidence: `mobile pool: ${quoted(mobile)} in netname/descr` };
  // A hosting provider's "customers" are servers, not households.
  if (hosting) return { classification: 'hosting', evidence: `hosting: ${quoted(hosting)} in the names` };
  const pool = find(CUSTOMER_POOL, ownWords);
  if (pool) return { classification: 'residential', evidence: `customer pool: ${quoted(pool)} in netname/descr` };
  const infrastructure = find(INFRASTRUCTURE, ownWords);
  if (infrastructure && providerHeld) return { classification: 'isp', evidence: `provider infrastructure: ${quoted(infrastructure)} in netname/descr` };
  if (education) return { classification: 'education', evidence: `${status}: ${quoted(education)} in the names` };
  const government = find(GOVERNMENT, names);
  if (government) return { classification: 'government', evidence: `${status}: ${quoted(government)} in the names` };
  if (providerHeld) {
    const office = find(OFFICE, ownWords);
    if (office && object.orgName) return { classification: 'business', evidence: `${status}: the provider's own ${quoted(office)} network` };
    return { classification: 'isp', evidence: `${status} held by the provider itself` };
  }
  const legalForm = find(LEGAL_FORM, [object.orgName, ...object.descr]);
  if (legalForm) return { classification: 'business', evidence: `${status} to an organisation (${quoted(legalForm)}) that is not its provider` };
  return { classification: 'unknown', evidence: `${status}: the holder is not recognisably an organisation` };
}

/** The holder's name to show: its organisation object's name, else a descr line naming a legal entity. */
export function registryHolderName(orgName: string | null, descr: readonly string[]): string | null {
  if (orgName) return orgName;
  return descr.find((line) => LEGAL_FORM.test(line)) ?? null;
}
