import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATABASE_TYPE, ensureDefaultDatabase } from '../../../layers/mmdb/default-database.js';
import { classify } from '../../../lambdas/shared/enrichment/classify.js';
import { createEnricher, type Enricher } from '../../../lambdas/shared/enrichment/enricher.js';
import { MmdbDatabase } from '../../../lambdas/shared/enrichment/mmdb-database.js';
import { recordFields } from '../../../lambdas/shared/enrichment/record-fields.js';
import { parseIpAddress } from '../../../lambdas/shared/ip/ip-address.js';
import { specialPurposeOf } from '../../../lambdas/shared/ip/special-purpose.js';
import { networkContains, parseCidr } from '../../support/maxmind-test-data.js';

interface SourceRow {
  readonly first: string;
  readonly last: string;
  readonly asn: number;
  readonly organisation: string;
}

/** The default database's source: @ip-location-db/asn's CSVs (start, end, ASN, organisation), no header. */
function sourceRows(file: string): SourceRow[] {
  const directory = path.dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
  return readFileSync(path.join(directory, file), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [, first, last, asn, quoted, plain] = /^([^,]+),([^,]+),(\d+),(?:"((?:[^"]|"")*)"|(.*))$/.exec(line)!;
      return { first: first!, last: last!, asn: Number(asn), organisation: quoted !== undefined ? quoted.replaceAll('""', '"') : plain! };
    });
}

const everyNth = <T>(rows: readonly T[], n: number) => rows.filter((_, i) => i % n === 0);

describe('the default database (ASN data)', () => {
  let database: MmdbDatabase;
  let enricher: Enricher;
  const ipv4 = sourceRows('asn-ipv4.csv');
  const ipv6 = sourceRows('asn-ipv6.csv');

  beforeAll(async () => {
    database = MmdbDatabase.open(await ensureDefaultDatabase());
    enricher = createEnricher(database);
  });

  it('describes itself: type, build date, attribution, record count', () => {
    expect(database.info).toMatchObject({ type: DEFAULT_DATABASE_TYPE, ipVersion: 6 });
    expect(database.info.description).toMatch(/CC BY 4\.0/);
    expect(database.info.description).toMatch(/geo-whois-asn-country .*CC0 1\.0/);
    expect(database.info.recordCount).toBeGreaterThan(100_000);
  });

  it.each([
    ['IPv4', ipv4],
    ['IPv6', ipv6],
  ])('answers sampled %s source ranges with their ASN and organisation, at both ends', (_, rows) => {
    const sample = everyNth(rows, 250).filter((row) => !specialPurposeOf(parseIpAddress(row.first)!));
    expect(sample.length).toBeGreaterThan(300);
    for (const row of sample) {
      for (const address of [row.first, row.last]) {
        const answer = enricher.enrich(parseIpAddress(address)!);
        expect(answer, address).toMatchObject({
          found: true,
          asn: { number: row.asn, organisation: row.organisation },
          organisation: null,
          isp: null,
          connectionType: null,
        });
        expect(networkContains(parseCidr(answer.network!), address)).toBe(true);
      }
    }
  });

  it('answers sampled source ranges of the country data with their country, over the AS data', () => {
    const directory = path.dirname(createRequire(import.meta.url).resolve('@ip-location-db/geo-whois-asn-country/package.json'));
    const rows = readFileSync(path.join(directory, 'geo-whois-asn-country-ipv4.csv'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.split(','));
    const value = (ip: string) => ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
    // The source nests a few more specific rows inside others (they win there): sample rows with no neighbour inside them.
    const alone = rows.filter((row, i) => i + 1 === rows.length || value(rows[i + 1]![0]!) > value(row[1]!));
    const sample = everyNth(alone, 200).filter(([first]) => !specialPurposeOf(parseIpAddress(first!)!));
    expect(sample.length).toBeGreaterThan(300);
    let withAsn = 0;
    for (const [first, last, country] of sample) {
      for (const address of [first!, last!]) expect(enricher.enrich(parseIpAddress(address)!).country, address).toBe(country);
      if (enricher.enrich(parseIpAddress(first!)!).asn) withAsn++;
    }
    expect(withAsn / sample.length).toBeGreaterThan(0.8);
  });

  it('classifies research and education networks (SURF, DFN, GARR, RENATER, LRZ) as education from their AS names', () => {
    const names = new Set([...ipv4, ...ipv6].map((row) => row.organisation));
    const nrens = ['SURF B.V.', 'Verein zur Foerderung eines Deutschen Forschungsnetzes e.V.', 'Consortium GARR', 'Renater', 'Leibniz-Rechenzentrum'];
    for (const name of nrens) {
      const row = ipv4.find((candidate) => candidate.organisation === name)!;
      expect(names.has(name), name).toBe(true);
      expect(enricher.enrich(parseIpAddress(row.first)!).classification, name).toBe('education');
    }
  });

  it('never classifies a network as business from ASN data alone (every organisation in the source)', () => {
    const names = new Set([...ipv4, ...ipv6].map((row) => row.organisation));
    const business = [...names].filter((name) => classify(recordFields({ autonomous_system_number: 1, autonomous_system_organization: name })) === 'business');
    expect(names.size).toBeGreaterThan(10_000);
    expect(business).toEqual([]);
  });
});
