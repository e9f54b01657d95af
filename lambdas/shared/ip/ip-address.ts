import { isIPv4, isIPv6 } from 'node:net';

export type IpVersion = 4 | 6;

/** A parsed address in one canonical form, so equal addresses always compare (and pseudonymise) equal. */
export interface IpAddress {
  readonly version: IpVersion;
  /** 4 bytes for IPv4, 16 for IPv6, network order. */
  readonly bytes: Uint8Array;
  /** Dotted quad, or RFC 5952 IPv6 text (lower case, longest zero run compressed). */
  readonly text: string;
}

/** Longer than any IPv6 text form (45 characters): cheap refusal of absurd input before parsing. */
const MAX_TEXT_LENGTH = 64;

/**
 * IPv6 prefixes that carry a whole IPv4 address in their last 32 bits: such an address is the IPv4
 * host, so it is looked up, checked and pseudonymised as that IPv4 address.
 */
const IPV4_EMBEDDING_PREFIXES: ReadonlyArray<Uint8Array> = [
  Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff), // ::ffff:0:0/96 IPv4-mapped (RFC 4291)
  Uint8Array.of(0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0), // 64:ff9b::/96 NAT64 well-known prefix (RFC 6052)
];

/**
 * Parses an IPv4 (dotted quad without leading zeros) or IPv6 address (no zone index, no brackets).
 * Returns undefined for anything else. IPv4-mapped and NAT64 addresses come back as IPv4.
 */
export function parseIpAddress(input: string): IpAddress | undefined {
  if (input.length > MAX_TEXT_LENGTH) return undefined;
  if (isIPv4(input)) return ipv4(Uint8Array.from(input.split('.'), Number));
  if (!isIPv6(input) || input.includes('%')) return undefined;
  const bytes = ipv6Bytes(input);
  const embedding = IPV4_EMBEDDING_PREFIXES.find((prefix) => prefix.every((byte, i) => bytes[i] === byte));
  return embedding ? ipv4(bytes.slice(12)) : { version: 6, bytes, text: formatIpv6(bytes) };
}

/** The network of `prefixLength` bits containing the address, as CIDR text (e.g. 81.2.69.160/27). */
export function networkCidr(address: IpAddress, prefixLength: number): string {
  const masked = maskBytes(address.bytes, prefixLength);
  return `${address.version === 4 ? formatIpv4(masked) : formatIpv6(masked)}/${prefixLength}`;
}

/** Whether the first `prefixLength` bits of two byte strings of the same length agree. */
export function samePrefix(a: Uint8Array, b: Uint8Array, prefixLength: number): boolean {
  const fullBytes = prefixLength >> 3;
  for (let i = 0; i < fullBytes; i++) if (a[i] !== b[i]) return false;
  const restBits = prefixLength & 7;
  if (restBits === 0) return true;
  const mask = (0xff << (8 - restBits)) & 0xff;
  return (a[fullBytes]! & mask) === (b[fullBytes]! & mask);
}

function maskBytes(bytes: Uint8Array, prefixLength: number): Uint8Array {
  const masked = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const bitsHere = Math.min(8, Math.max(0, prefixLength - i * 8));
    masked[i] = bytes[i]! & ((0xff << (8 - bitsHere)) & 0xff);
  }
  return masked;
}

function ipv4(bytes: Uint8Array): IpAddress {
  return { version: 4, bytes, text: formatIpv4(bytes) };
}

function formatIpv4(bytes: Uint8Array): string {
  return Array.from(bytes).join('.');
}

/** Expands text already validated by node:net (so every group is well-formed) into 16 bytes. */
function ipv6Bytes(text: string): Uint8Array {
  let groups: number[];
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  const trailingIpv4 = tail.includes('.') ? tail.split('.').map(Number) : undefined;
  const hexPart = trailingIpv4 ? text.slice(0, lastColon + 1) + '0:0' : text;
  const [head, rest] = hexPart.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  if (rest === undefined) {
    groups = parse(head);
  } else {
    const left = parse(head);
    const right = parse(rest);
    groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  }
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  if (trailingIpv4) bytes.set(trailingIpv4, 12);
  return bytes;
}

/** RFC 5952: lower-case hex, no leading zeros, the longest run (≥ 2) of zero groups as "::", leftmost on a tie. */
function formatIpv6(bytes: Uint8Array): string {
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[i * 2]! << 8) | bytes[i * 2 + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    if (groups[start] !== 0) {
      start++;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) [bestStart, bestLength] = [start, end - start];
    start = end;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}
