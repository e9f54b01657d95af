import type { AddressWords } from './search-tree.js';

/**
 * IPv4 lives in ::/96 of the IPv6 tree. Like MaxMind's writer, we also point two IPv6 networks that embed
 * an IPv4 address right after their prefix at that IPv4 subtree, so a lookup there answers for the IPv4
 * address: the IPv4-mapped ::ffff:0:0/96 and the 6to4 2002::/16.
 */
export const IPV4_SUBTREE: { readonly words: AddressWords; readonly prefixLength: number } = {
  words: [0, 0, 0, 0],
  prefixLength: 96,
};

export const IPV4_ALIASES: readonly { readonly words: AddressWords; readonly prefixLength: number }[] = [
  { words: [0, 0, 0xffff, 0], prefixLength: 96 },
  { words: [0x2002_0000, 0, 0, 0], prefixLength: 16 },
];

type AliasedNetwork = 'ipv4-mapped' | '6to4';

/**
 * Whether an input network lies inside an alias: an IPv4-mapped network is stored at its ::/96 position
 * instead (so ::ffff:1.2.3.0/120 means 1.2.3.0/24); data inside 2002::/16 cannot be kept, since the
 * alias answers there.
 */
export function aliasedNetwork(words: AddressWords, prefixLength: number): AliasedNetwork | undefined {
  if (prefixLength >= 96 && words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return 'ipv4-mapped';
  if (prefixLength >= 16 && words[0] >>> 16 === 0x2002) return '6to4';
  return undefined;
}
