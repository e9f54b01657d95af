import { parseIpAddress, samePrefix, type IpAddress } from './ip-address.js';

/** Why an address is not a public (globally routed unicast) address: names a client can act on. */
export type SpecialPurpose =
  | 'unspecified'
  | 'this-network'
  | 'private-use'
  | 'shared-address-space'
  | 'loopback'
  | 'link-local'
  | 'ietf-protocol-assignments'
  | 'documentation'
  | 'benchmarking'
  | 'deprecated-6to4'
  | 'multicast'
  | 'reserved'
  | 'unique-local'
  | 'site-local'
  | 'discard-only'
  | 'srv6-sid'
  | 'not-global-unicast';

interface Range {
  readonly address: IpAddress;
  readonly prefixLength: number;
  readonly purpose: SpecialPurpose;
}

const range = (cidr: string, purpose: SpecialPurpose): Range => {
  const [text, length] = cidr.split('/') as [string, string];
  return { address: parseIpAddress(text)!, prefixLength: Number(length), purpose };
};

/**
 * IANA IPv4/IPv6 Special-Purpose Address Registries (RFC 6890 and successors): every block that is not
 * globally reachable unicast, plus multicast and the reserved space. No visitor of a website can
 * come from these, and no database entry for them says anything about a company.
 */
const IPV4_RANGES: readonly Range[] = [
  range('0.0.0.0/8', 'this-network'),
  range('10.0.0.0/8', 'private-use'),
  range('100.64.0.0/10', 'shared-address-space'), // carrier-grade NAT (RFC 6598)
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private-use'),
  range('192.0.0.0/24', 'ietf-protocol-assignments'),
  range('192.0.2.0/24', 'documentation'), // TEST-NET-1
  range('192.88.99.0/24', 'deprecated-6to4'), // 6to4 relay anycast (RFC 7526)
  range('192.168.0.0/16', 'private-use'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'), // TEST-NET-2
  range('203.0.113.0/24', 'documentation'), // TEST-NET-3
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'), // includes 255.255.255.255 (limited broadcast)
];

/** Only 2000::/3 is allocated for global unicast; inside it, the special blocks below are not public either. */
const GLOBAL_UNICAST = range('2000::/3', 'not-global-unicast');
const IPV6_RANGES: readonly Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('100::/64', 'discard-only'),
  range('fc00::/7', 'unique-local'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local'),
  range('ff00::/8', 'multicast'),
  range('2001::/23', 'ietf-protocol-assignments'), // Teredo, benchmarking, ORCHID, anycast services
  range('2001:db8::/32', 'documentation'),
  range('2002::/16', 'deprecated-6to4'),
  range('3fff::/20', 'documentation'), // RFC 9637
  range('5f00::/16', 'srv6-sid'), // RFC 9602
];

/** The special purpose of an address, or undefined when it is a public address. */
export function specialPurposeOf(address: IpAddress): SpecialPurpose | undefined {
  for (const range of address.version === 4 ? IPV4_RANGES : IPV6_RANGES) {
    if (samePrefix(address.bytes, range.address.bytes, range.prefixLength)) return range.purpose;
  }
  if (address.version === 6 && !samePrefix(address.bytes, GLOBAL_UNICAST.address.bytes, GLOBAL_UNICAST.prefixLength)) {
    return GLOBAL_UNICAST.purpose;
  }
  return undefined;
}
