/**
 * Addresses and networks of the MMDB builder's input, as positions in the 128-bit IPv6 search tree: an
 * IPv4 address a.b.c.d becomes ::a.b.c.d (the spec's "IPv4 in ::/96" layout), so prefix lengths are always
 * tree depths (0–128). The text is parsed by the functions' own parser (lambdas/shared/ip).
 */
import { parseAddressBytes } from '../../lambdas/shared/ip/ip-address.js';

export type IpFamily = 4 | 6;

export interface TreeAddress {
  /** The notation the address was written in (an IPv6 text such as ::1.2.3.4 counts as 6). */
  readonly family: IpFamily;
  /** Position in the 128-bit tree. */
  readonly value: bigint;
}

export interface TreeNetwork {
  readonly address: TreeAddress;
  /** Prefix length in the 128-bit tree (an IPv4 /24 is 120). */
  readonly treePrefixLength: number;
}

const IPV4_TREE_OFFSET = 96;

/** Parses an IPv4 (dotted quad, no leading zeros) or IPv6 address; undefined when it is not one. */
export function parseTreeAddress(text: string): TreeAddress | undefined {
  const bytes = parseAddressBytes(text);
  if (bytes === undefined) return undefined;
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return { family: bytes.length === 4 ? 4 : 6, value };
}

/**
 * Parses a CIDR such as 1.2.3.0/24, 2001:db8::/32 or ::1.2.3.0/120. Host bits are cleared, as MaxMind's
 * writer does (its own test data contains ::74.209.24.0/116).
 */
export function parseTreeNetwork(text: string): TreeNetwork | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseTreeAddress(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (!address || !/^\d{1,3}$/.test(lengthText)) return undefined;
  const prefixLength = Number(lengthText);
  if (prefixLength > (address.family === 4 ? 32 : 128)) return undefined;
  const treePrefixLength = address.family === 4 ? prefixLength + IPV4_TREE_OFFSET : prefixLength;
  const hostMask = (1n << BigInt(128 - treePrefixLength)) - 1n;
  return { address: { family: address.family, value: address.value & ~hostMask }, treePrefixLength };
}
