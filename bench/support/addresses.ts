import { parseIpAddress } from '../../lambdas/shared/ip/ip-address.js';
import { specialPurposeOf } from '../../lambdas/shared/ip/special-purpose.js';
import { seededWords } from '../../test/support/seeded-random.js';

/**
 * `count` distinct-ish random public addresses, three IPv4 to one IPv6 (IPv6 from 2000::/4, where
 * the allocated global unicast space is), skipping every special-purpose range the API refuses.
 */
export function samplePublicAddresses(count: number, seed = 20_260_101): string[] {
  const next = seededWords(seed);
  const hex = () => (next() & 0xffff).toString(16);
  const addresses: string[] = [];
  while (addresses.length < count) {
    const word = next();
    const text =
      addresses.length % 4 !== 3
        ? [word >>> 24, (word >>> 16) & 255, (word >>> 8) & 255, word & 255].join('.')
        : [(0x2000 | (word & 0x0fff)).toString(16), hex(), hex(), hex(), hex(), hex(), hex(), hex()].join(':');
    const address = parseIpAddress(text);
    if (address && specialPurposeOf(address) === undefined) addresses.push(text);
  }
  return addresses;
}
