import { isIP, isIPv4, isIPv6 } from 'node:net';

const REDACTED_IP = '[redacted-ip]';
const REDACTED = '[redacted]';

const IPV6_CANDIDATE = /(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{0,4})(?:%[\w.]+)?/g;
const IPV4_CANDIDATE = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d])/g;

/** Field names whose values carry a client address whatever they look like (headers, API Gateway identity). */
const IP_BEARING_KEYS = new Set([
  'ip', 'ips', 'sourceip', 'source_ip', 'clientip', 'client_ip', 'visitorip', 'visitor_ip', 'remoteaddress',
  'x-forwarded-for', 'x-real-ip', 'forwarded', 'true-client-ip', 'cf-connecting-ip', 'x-client-ip',
  'x-cluster-client-ip', 'fastly-client-ip', 'body', 'multivalueheaders',
]);

/** Replaces every IPv4/IPv6 address inside free text; other text is untouched. */
export function redactIps(text: string): string {
  return text
    .replace(IPV6_CANDIDATE, (m) => (isIPv6(m.split('%')[0]!) ? REDACTED_IP : m))
    .replace(IPV4_CANDIDATE, (m) => (isIPv4(m) ? REDACTED_IP : m));
}

/**
 * JSON.stringify replacer for log records: drops the values of IP-bearing fields outright and scrubs
 * addresses out of every other string, so a raw IP cannot reach a log line however it got there.
 */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && IP_BEARING_KEYS.has(key.toLowerCase()) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return isIP(value) ? REDACTED_IP : redactIps(value);
  return value;
}
