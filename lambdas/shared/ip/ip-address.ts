/**
 * The project's one IP address parser: the functions parse client input with it, and the MMDB builder
 * (tools/mmdb-builder) parses its source networks with it. Written as one pass over the characters,
 * because it runs for every address every function answers.
 */

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

const COLON = 0x3a;
const DOT = 0x2e;

/**
 * Parses an IPv4 (dotted quad without leading zeros) or IPv6 address (no zone index, no brackets).
 * Returns undefined for anything else. IPv4-mapped and NAT64 addresses come back as IPv4.
 */
export function parseIpAddress(input: string): IpAddress | undefined {
  const bytes = parseAddressBytes(input);
  if (bytes === undefined) return undefined;
  // A dotted quad without leading zeros is already its canonical text.
  if (bytes.length === 4) return { version: 4, bytes, text: input };
  if (embedsIpv4(bytes)) {
    const ipv4 = bytes.slice(12);
    return { version: 4, bytes: ipv4, text: networkText(ipv4, 32) };
  }
  return { version: 6, bytes, text: networkText(bytes, 128) };
}

/**
 * The bytes of an address as written: 4 for a dotted quad (decimal, no leading zeros), 16 for IPv6 text
 * (RFC 4291 2.2: one to four hex digits a group, at most one "::", optionally a dotted quad as the last
 * 32 bits); undefined for anything else. No canonicalisation: ::ffff:1.2.3.4 stays 16 bytes.
 */
export function parseAddressBytes(text: string): Uint8Array | undefined {
  if (text.length > MAX_TEXT_LENGTH) return undefined;
  if (!text.includes(':')) {
    const bytes = new Uint8Array(4);
    return writeIpv4(text, 0, bytes, 0) ? bytes : undefined;
  }
  return parseIpv6(text);
}

/** The network of `prefixLength` bits containing the address, as CIDR text (e.g. 81.2.69.160/27). */
export function networkCidr(address: IpAddress, prefixLength: number): string {
  return `${networkText(address.bytes, prefixLength)}/${prefixLength}`;
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

function embedsIpv4(bytes: Uint8Array): boolean {
  for (const prefix of IPV4_EMBEDDING_PREFIXES) if (samePrefix(bytes, prefix, 96)) return true;
  return false;
}

/** Writes the dotted quad text[start…] into out[at…at+3]; false when that text is not one. */
function writeIpv4(text: string, start: number, out: Uint8Array, at: number): boolean {
  let octets = 0;
  let value = 0;
  let digits = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      if (digits === 0 || octets === 3) return false;
      out[at + octets++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && value === 0) return false; // a leading zero
      value = value * 10 + c - 0x30;
      if (value > 255) return false;
      digits++;
    } else {
      return false;
    }
  }
  if (digits === 0 || octets !== 3) return false;
  out[at + 3] = value;
  return true;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(16);
  const end = text.length;
  let groups = 0;
  /** The group index where "::" stands, or -1. */
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return undefined;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    let value = 0;
    let j = i;
    for (let digit = hexDigit(text.charCodeAt(j)); digit >= 0; digit = hexDigit(text.charCodeAt(++j))) {
      if (j - i === 4) return undefined;
      value = value * 16 + digit;
    }
    if (text.charCodeAt(j) === DOT) {
      // A dotted quad ends the text and fills the last two groups.
      if (groups > 6 || !writeIpv4(text, i, bytes, groups * 2)) return undefined;
      groups += 2;
      break;
    }
    if (j === i || groups === 8) return undefined;
    bytes[groups * 2] = value >> 8;
    bytes[groups * 2 + 1] = value & 0xff;
    groups++;
    if (j === end) break;
    if (text.charCodeAt(j) !== COLON) return undefined;
    if (text.charCodeAt(j + 1) === COLON) {
      if (gap >= 0) return undefined;
      gap = groups;
      i = j + 2;
    } else {
      i = j + 1;
      if (i === end) return undefined; // a trailing single colon
    }
  }
  if (gap < 0) return groups === 8 ? bytes : undefined;
  if (groups === 8) return undefined; // "::" stands for at least one zero group
  const tailStart = 16 - (groups - gap) * 2;
  bytes.copyWithin(tailStart, gap * 2, groups * 2);
  bytes.fill(0, gap * 2, tailStart);
  return bytes;
}

/** Bits of byte `index` inside a prefix of `prefixLength` bits, as a mask. */
function byteMask(prefixLength: number, index: number): number {
  const bits = prefixLength - index * 8;
  return bits >= 8 ? 0xff : bits <= 0 ? 0 : (0xff00 >> bits) & 0xff;
}

/** Scratch space of ipv6Text: the eight groups of the address being formatted. */
const groupScratch = new Uint16Array(8);

/** The first `prefixLength` bits of the address (the rest zero) as dotted quad or RFC 5952 text. */
function networkText(bytes: Uint8Array, prefixLength: number): string {
  if (bytes.length === 4) {
    return `${bytes[0]! & byteMask(prefixLength, 0)}.${bytes[1]! & byteMask(prefixLength, 1)}.${bytes[2]! & byteMask(prefixLength, 2)}.${bytes[3]! & byteMask(prefixLength, 3)}`;
  }
  return ipv6Text(bytes, prefixLength);
}

/** RFC 5952: lower-case hex, no leading zeros, the longest run (≥ 2) of zero groups as "::", leftmost on a tie. */
function ipv6Text(bytes: Uint8Array, prefixLength: number): string {
  const groups = groupScratch;
  for (let g = 0; g < 8; g++) {
    groups[g] = ((bytes[g * 2]! & byteMask(prefixLength, g * 2)) << 8) | (bytes[g * 2 + 1]! & byteMask(prefixLength, g * 2 + 1));
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    if (groups[start] !== 0) {
      start++;
      continue;
    }
    let runEnd = start;
    while (runEnd < 8 && groups[runEnd] === 0) runEnd++;
    if (runEnd - start > bestLength) {
      bestStart = start;
      bestLength = runEnd - start;
    }
    start = runEnd;
  }
  let text = '';
  for (let g = 0; g < 8; ) {
    if (g === bestStart) {
      text += '::';
      g += bestLength;
      continue;
    }
    if (g > 0 && g !== bestStart + bestLength) text += ':';
    text += groups[g]!.toString(16);
    g++;
  }
  return text;
}
