/**
 * IP address and network parsing for the MMDB builder.
 *
 * Every address is returned as its position in the 128-bit IPv6 search tree: an IPv4 address a.b.c.d
 * becomes ::a.b.c.d (the spec's "IPv4 in ::/96" layout), so prefix lengths are always tree depths (0–128).
 */

export type IpFamily = 4 | 6;

export interface IpAddress {
  /** The notation the address was written in (an IPv6 text such as ::1.2.3.4 counts as 6). */
  readonly family: IpFamily;
  /** Position in the 128-bit tree. */
  readonly value: bigint;
}

export interface IpNetwork {
  readonly address: IpAddress;
  /** Prefix length in the 128-bit tree (an IPv4 /24 is 120). */
  readonly treePrefixLength: number;
}

const IPV4_TREE_OFFSET = 96;

const DECIMAL_OCTET = /^(?:0|[1-9]\d{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4Number(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!DECIMAL_OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

function parseHexGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  for (const group of text.split(':')) {
    if (!HEX_GROUP.test(group)) return undefined;
    groups.push(parseInt(group, 16));
  }
  return groups;
}

function parseIpv6Value(text: string): bigint | undefined {
  let body = text;
  let trailingIpv4: number | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    trailingIpv4 = parseIpv4Number(text.slice(lastColon + 1));
    if (trailingIpv4 === undefined) return undefined;
    // Drop the IPv4 part and its separating colon, but keep a "::" that precedes it.
    body = text.slice(0, lastColon) + (text[lastColon - 1] === ':' ? ':' : '');
  }
  const groupsNeeded = trailingIpv4 === undefined ? 8 : 6;

  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const head = parseHexGroups(halves[0]!);
    const tail = parseHexGroups(halves[1]!);
    if (!head || !tail || head.length + tail.length >= groupsNeeded) return undefined;
    groups = [...head, ...new Array<number>(groupsNeeded - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseHexGroups(body);
    if (!all || all.length !== groupsNeeded) return undefined;
    groups = all;
  }
  if (trailingIpv4 !== undefined) groups.push(Math.floor(trailingIpv4 / 65536), trailingIpv4 % 65536);

  let value = 0n;
  for (let i = 0; i < 8; i += 2) value = (value << 32n) | BigInt(groups[i]! * 65536 + groups[i + 1]!);
  return value;
}

/** Parses an IPv4 (dotted quad, no leading zeros) or IPv6 address; undefined when it is not one. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIpv6Value(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4Number(text);
  return value === undefined ? undefined : { family: 4, value: BigInt(value) };
}

/**
 * Parses a CIDR such as 1.2.3.0/24, 2001:db8::/32 or ::1.2.3.0/120. Host bits are cleared, as MaxMind's
 * writer does (its own test data contains ::74.209.24.0/116).
 */
export function parseNetwork(text: string): IpNetwork | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIpAddress(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (!address || !/^\d{1,3}$/.test(lengthText)) return undefined;
  const prefixLength = Number(lengthText);
  if (prefixLength > (address.family === 4 ? 32 : 128)) return undefined;
  const treePrefixLength = address.family === 4 ? prefixLength + IPV4_TREE_OFFSET : prefixLength;
  const hostMask = (1n << BigInt(128 - treePrefixLength)) - 1n;
  return { address: { family: address.family, value: address.value & ~hostMask }, treePrefixLength };
}
