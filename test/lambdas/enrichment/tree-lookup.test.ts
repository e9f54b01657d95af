import { readFileSync } from 'node:fs';
import { Reader, type Response } from 'maxmind';
import { describe, expect, it } from 'vitest';
import { MmdbDatabase } from '../../../lambdas/shared/enrichment/mmdb-database.js';
import { parseIpAddress } from '../../../lambdas/shared/ip/ip-address.js';
import { ipv4Text, ipv6Text, seededRandom } from '../../mmdb-builder/helpers.js';
import { testDatabase } from '../../support/maxmind-test-data.js';

/**
 * Our search-tree walk and data decoder against the `maxmind` npm reader, an independent implementation:
 * for every database MaxMind ships for reader tests, the same record and prefix length for the first and
 * last address of every network in the file and for random addresses.
 */
const DATABASES = [
  'MaxMind-DB-test-decoder', // every data type: uint16…uint128, int32, float, double, bytes, arrays, maps, booleans
  'MaxMind-DB-test-pointer-decoder',
  'MaxMind-DB-test-nested',
  'MaxMind-DB-test-metadata-pointers',
  'MaxMind-DB-string-value-entries',
  'MaxMind-DB-no-ipv4-search-tree',
  'MaxMind-DB-test-ipv4-24',
  'MaxMind-DB-test-ipv4-28',
  'MaxMind-DB-test-ipv4-32',
  'MaxMind-DB-test-ipv6-24',
  'MaxMind-DB-test-ipv6-28',
  'MaxMind-DB-test-ipv6-32',
  'MaxMind-DB-test-mixed-24',
  'MaxMind-DB-test-mixed-28',
  'MaxMind-DB-test-mixed-32',
  'GeoIP2-Enterprise-Test',
  'GeoIP2-City-Test',
  'GeoIP2-ISP-Test',
  'GeoLite2-ASN-Test',
  'GeoIP2-Anonymous-IP-Test',
];

/** First and last address text of every network with data, found by walking the tree bit by bit through maxmind's reader. */
function networkEdges(reader: Reader<Response>, bits: number): string[] {
  const addresses: string[] = [];
  const visit = (prefix: bigint, depth: number): void => {
    const first = prefix << BigInt(bits - depth);
    const [record, prefixLength] = reader.getWithPrefixLength(addressText(first, bits));
    if (prefixLength <= depth || depth === bits) {
      if (record !== null) addresses.push(addressText(first, bits), addressText(first | ((1n << BigInt(bits - depth)) - 1n), bits));
      return;
    }
    visit(prefix << 1n, depth + 1);
    visit((prefix << 1n) | 1n, depth + 1);
  };
  visit(0n, 0);
  return addresses;
}

const addressText = (value: bigint, bits: number): string => (bits === 32 ? ipv4Text(value) : ipv6Text(value));

describe.each(DATABASES)('lookups in %s', (name) => {
  const contents = readFileSync(testDatabase(name));
  const reader = new Reader<Response>(contents);
  const database = MmdbDatabase.fromBuffer(contents, name);
  const bits = database.info.ipVersion === 4 ? 32 : 128;

  const expectSameAnswer = (text: string) => {
    const address = parseIpAddress(text)!;
    const [record, prefixLength] = reader.getWithPrefixLength(address.text);
    const match = database.lookup(address);
    // A record that is not a map (some test files hold bare strings) is no answer the API can use.
    if (record === null || typeof record !== 'object') expect(match, text).toBeUndefined();
    else expect(match, text).toEqual({ record, prefixLength });
  };

  it('answers the first and last address of every network exactly as the maxmind reader does', () => {
    const addresses = networkEdges(reader, bits);
    expect(addresses.length).toBeGreaterThan(0);
    for (const text of addresses) expectSameAnswer(text);
  });

  it('answers random IPv4 and IPv6 addresses exactly as the maxmind reader does', () => {
    const random = seededRandom(name.length);
    const byte = () => Math.floor(random() * 256);
    for (let i = 0; i < 2_000; i++) {
      expectSameAnswer(Array.from({ length: 4 }, byte).join('.'));
      if (bits === 128) expectSameAnswer(addressText(BigInt(`0x${Array.from({ length: 16 }, () => byte().toString(16).padStart(2, '0')).join('')}`), 128));
    }
  });
});
