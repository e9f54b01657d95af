import { parseAddressBytes } from '../ip/ip-address.js';

const REDACTED_IP = '[redacted-ip]';
const REDACTED = '[redacted]';

/** A maximal run of hex digits, dots (an embedded IPv4) and at least two colons, with an optional zone. */
const IPV6_RUN = /[0-9A-Fa-f.]*(?::[0-9A-Fa-f.]*){2,}(?:%[\w.]+)?/g;
/** Four dot-separated numbers; leading zeros count too (`010.0.0.1`), whatever a parser makes of them. */
const DOTTED_QUAD = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d)/g;

/** Field names whose values carry a client address whatever they look like (headers, API Gateway identity). */
const IP_BEARING_KEYS = new Set([
  'ip', 'ips', 'sourceip', 'source_ip', 'clientip', 'client_ip', 'visitorip', 'visitor_ip', 'remoteaddress',
  'x-forwarded-for', 'x-real-ip', 'forwarded', 'true-client-ip', 'cf-connecting-ip', 'x-client-ip',
  'x-cluster-client-ip', 'fastly-client-ip', 'body', 'multivalueheaders',
]);

/**
 * Replaces every IPv4/IPv6 address inside free text; other text is untouched. Whole colon runs are
 * checked first, so every IPv6 spelling (eight-colon forms, IPv4-mapped, zone ids) goes in one piece.
 */
export function redactIps(text: string): string {
  const redacted = redactPlainIps(text);
  if (!text.includes('%')) return redacted;
  // URL-encoded text (paths, query strings) hides an address behind %3A / %2E: judge the decoded text.
  const decoded = percentDecoded(redacted);
  const decodedRedacted = redactPlainIps(decoded);
  return decodedRedacted === decoded ? redacted : decodedRedacted;
}

function redactPlainIps(text: string): string {
  return text.replace(IPV6_RUN, redactIpv6Run).replace(DOTTED_QUAD, (quad) => (isDottedQuadAddress(quad) ? REDACTED_IP : quad));
}

/** Decodes every %XX sequence that forms valid UTF-8 and leaves anything malformed as it is. */
function percentDecoded(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

function redactIpv6Run(run: string): string {
  // A sentence may end an address with a colon or full stop ("from 2001:db8::1. Then…"): try without it too.
  for (const candidate of [run, run.replace(/(?<!:)[:.]$/, '')]) {
    if (parseAddressBytes(candidate.split('%')[0]!)?.length === 16) return `${REDACTED_IP}${run.slice(candidate.length)}`;
  }
  return run;
}

function isDottedQuadAddress(quad: string): boolean {
  return quad.split('.').every((octet) => Number(octet) <= 255);
}

/**
 * JSON.stringify replacer for log records: drops the values of IP-bearing fields outright and scrubs
 * addresses out of every other string, so a raw IP cannot reach a log line however it got there.
 */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && IP_BEARING_KEYS.has(key.toLowerCase()) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return isAddress(value) ? REDACTED_IP : redactIps(value);
  if (isPlainObject(value) && Object.keys(value).some((name) => redactIps(name) !== name)) {
    // A field name can carry an address too (a header named after one, a map keyed by address).
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [redactIps(name), inner]));
  }
  return value;
}

/** The whole text is one address (an IPv6 zone index included). */
function isAddress(text: string): boolean {
  return parseAddressBytes(text) !== undefined || (text.includes('%') && parseAddressBytes(text.split('%')[0]!)?.length === 16);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
