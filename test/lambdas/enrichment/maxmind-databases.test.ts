import { describe, expect, it } from 'vitest';
import { createEnricher, type Enrichment } from '../../../lambdas/shared/enrichment/enricher.js';
import { MmdbDatabase } from '../../../lambdas/shared/enrichment/mmdb-database.js';
import { parseIpAddress } from '../../../lambdas/shared/ip/ip-address.js';
import {
  lastAddressOf,
  mostSpecificNetwork,
  networkContains,
  parseCidr,
  sourceNetworks,
  testDatabase,
  type SourceNetwork,
} from '../../support/maxmind-test-data.js';

type Expected = Pick<Enrichment, 'organisation' | 'domain' | 'asn' | 'isp' | 'connectionType' | 'userType' | 'country'>;

const NOTHING: Expected = { organisation: null, domain: null, asn: null, isp: null, connectionType: null, userType: null, country: null };
const asnOf = (r: Record<string, any>) =>
  r.autonomous_system_number === undefined ? null : { number: r.autonomous_system_number, organisation: r.autonomous_system_organization ?? null };

/**
 * Each MaxMind database kind, with the answer its source-data JSON says the API must give. Written
 * per kind from MaxMind's documented record layouts, not from the code under test.
 */
const KINDS: ReadonlyArray<{ name: string; type: string; expected: (record: Record<string, any>) => Expected }> = [
  {
    name: 'GeoIP2-Enterprise-Test',
    type: 'GeoIP2-Enterprise',
    expected: (r) => ({
      organisation: r.traits?.organization ?? null,
      domain: r.traits?.domain ?? null,
      asn: r.traits ? asnOf(r.traits) : null,
      isp: r.traits?.isp ?? null,
      connectionType: r.traits?.connection_type ?? null,
      userType: r.traits?.user_type ?? null,
      country: r.country?.iso_code ?? null,
    }),
  },
  {
    name: 'GeoIP2-ISP-Test',
    type: 'GeoIP2-ISP',
    expected: (r) => ({ ...NOTHING, organisation: r.organization ?? null, asn: asnOf(r), isp: r.isp ?? null }),
  },
  { name: 'GeoLite2-ASN-Test', type: 'GeoLite2-ASN', expected: (r) => ({ ...NOTHING, asn: asnOf(r) }) },
  { name: 'GeoIP2-Domain-Test', type: 'GeoIP2-Domain', expected: (r) => ({ ...NOTHING, domain: r.domain }) },
  { name: 'GeoIP2-Connection-Type-Test', type: 'GeoIP2-Connection-Type', expected: (r) => ({ ...NOTHING, connectionType: r.connection_type }) },
];

describe.each(KINDS)('normalized answers from $name', ({ name, type, expected }) => {
  const database = MmdbDatabase.open(testDatabase(name));
  const enricher = createEnricher(database);
  const networks = sourceNetworks(name);

  it('names the database once, as the source of its answers', () => {
    expect(enricher.source).toEqual({ type, buildDate: database.info.buildDate, attribution: expect.stringContaining('Test Database') });
    expect(Date.parse(enricher.source.buildDate)).toBeGreaterThan(Date.UTC(2015, 0, 1));
    expect(enricher.enrich(parseIpAddress(networks[0]!.address)!)).not.toHaveProperty('database');
  });

  it('answers the first and last address of every source network with that network’s data', () => {
    let checked = 0;
    for (const network of networks) {
      for (const address of [network.address, lastAddressOf(network)]) {
        const source = mostSpecificNetwork(networks, address)!;
        const answer = enricher.enrich(parseIpAddress(address)!);
        expect(answer, `${name} ${address}`).toMatchObject({ found: true, ...expected(source.record) });
        expectSameNetwork(answer.network!, source, address);
        checked++;
      }
    }
    expect(checked).toBe(networks.length * 2);
  });

  it('answers IPv4 asked as IPv4-mapped IPv6 exactly like IPv4', () => {
    const ipv4 = networks.find((n) => n.family === 'ipv4')!;
    const direct = enricher.enrich(parseIpAddress(ipv4.address)!);
    expect(enricher.enrich(parseIpAddress(`::ffff:${ipv4.address}`)!)).toEqual(direct);
  });

  it('says found: false, everything null and unknown for an address without data', () => {
    const answer = enricher.enrich(parseIpAddress('203.0.114.1')!);
    expect(answer).toEqual({ ip: '203.0.114.1', found: false, network: null, ...NOTHING, classification: 'unknown', registry: null });
  });
});

/**
 * The database may answer with a narrower network (the writer splits around nested networks) or a
 * wider one (it merges neighbours holding the same data); either way it contains the address and one
 * of the two contains the other.
 */
function expectSameNetwork(answered: string, source: SourceNetwork, address: string): void {
  const network = parseCidr(answered);
  expect(network.family).toBe(source.family);
  expect(networkContains(network, address)).toBe(true);
  const nested =
    network.prefixLength >= source.prefixLength ? networkContains(source, network.address) : networkContains(network, source.address);
  expect(nested, `${answered} vs ${source.address}/${source.prefixLength}`).toBe(true);
}
