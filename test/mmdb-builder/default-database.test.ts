// The default database (built once from @ip-location-db/asn, then reused) answers every sampled CSV row.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AsnResponse, type Reader, open } from 'maxmind';
import { DEFAULT_DATABASE_PATH, DEFAULT_DATABASE_TYPE, ensureDefaultDatabase } from '../../layers/mmdb/default-database.js';
import { addressValue, ipv4Text, ipv6Text, randomBetween, repoRoot, seededRandom } from './helpers.js';

const SOURCE_DIRECTORY = path.join(repoRoot, 'node_modules/@ip-location-db/asn');
const SAMPLES = { 'asn-ipv4.csv': 2500, 'asn-ipv6.csv': 1500 } as const;

/** A quote-aware CSV line split, written independently of the builder's reader. */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  return [...cells, cell];
}

function sampleRows(file: keyof typeof SAMPLES, seed: number): string[][] {
  const lines = readFileSync(path.join(SOURCE_DIRECTORY, file), 'utf8').split('\n').filter((line) => line !== '');
  const random = seededRandom(seed);
  return Array.from({ length: SAMPLES[file] }, () => splitCsvLine(lines[Math.floor(random() * lines.length)]!));
}

const in6to4 = (value: bigint) => value >> 112n === 0x2002n;

let reader: Reader<AsnResponse>;
let builtAt: number;

beforeAll(async () => {
  const file = await ensureDefaultDatabase();
  expect(file).toBe(DEFAULT_DATABASE_PATH);
  builtAt = statSync(file).mtimeMs;
  reader = await open<AsnResponse>(file);
}, 180_000);

describe('the default database', () => {
  it.each([
    ['asn-ipv4.csv', 4] as const,
    ['asn-ipv6.csv', 6] as const,
  ])('answers the first, last and a random address of sampled %s rows with their ASN and organisation', (file, family) => {
    const random = seededRandom(family * 31_337);
    let checked = 0;
    for (const [start = '', end = '', asn = '', organisation = ''] of sampleRows(file, family)) {
      const first = addressValue(start);
      const last = addressValue(end);
      if (in6to4(first)) continue; // answered by the 6to4 alias, checked below
      for (const position of [first, last, randomBetween(random, first, last)]) {
        const ip = family === 4 ? ipv4Text(position) : ipv6Text(position);
        // The country data laid over the AS data adds a country where it knows one.
        const { country, ...asData } = (reader.get(ip) ?? {}) as Record<string, unknown>;
        expect(asData, `${file} row ${start}-${end} at ${ip}`).toEqual({
          autonomous_system_number: Number(asn),
          autonomous_system_organization: organisation,
        });
        if (country !== undefined) expect(country).toEqual({ iso_code: expect.stringMatching(/^[A-Z]{2}$/) });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(SAMPLES[file] * 2.9);
  });

  it('answers IPv4-mapped and 6to4 addresses with the IPv4 record', () => {
    for (const [start = ''] of sampleRows('asn-ipv4.csv', 99).slice(0, 200)) {
      const value = addressValue(start);
      const expected = reader.get(start);
      expect(expected).not.toBeNull();
      expect(reader.get(`::ffff:${start}`)).toEqual(expected);
      expect(reader.get(ipv6Text((0x2002n << 112n) | (value << 80n)))).toEqual(expected);
    }
  });

  it('carries the attribution CC BY 4.0 asks for in its metadata', () => {
    const { version } = JSON.parse(readFileSync(path.join(SOURCE_DIRECTORY, 'package.json'), 'utf8')) as { version: string };
    const description = (reader.metadata.description as unknown as Record<string, string>).en;
    expect(reader.metadata.databaseType).toBe(DEFAULT_DATABASE_TYPE);
    for (const credit of ['DB-IP', 'https://db-ip.com/', 'RouteViews', 'NRO', 'CC BY 4.0', 'https://creativecommons.org/licenses/by/4.0/', `@ip-location-db/asn ${version}`, 'Changed:']) {
      expect(description).toContain(credit);
    }
    // The build epoch comes from the data's version (2.3.YYYYMMDDHH), never from the clock.
    const [, year, month, day, hour] = /\.(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(version)!.map(Number);
    expect(reader.metadata.buildEpoch).toEqual(new Date(Date.UTC(year!, month! - 1, day!, hour!)));
  });

  it('is reused, not rebuilt, when it is up to date', async () => {
    await expect(ensureDefaultDatabase()).resolves.toBe(DEFAULT_DATABASE_PATH);
    expect(statSync(DEFAULT_DATABASE_PATH).mtimeMs).toBe(builtAt);
  });
});
