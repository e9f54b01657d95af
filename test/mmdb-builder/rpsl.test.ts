// RPSL (registry bulk whois) input: parsing as the registries publish it, exact ranges, objects in any
// order across files, skipped malformed objects, and registry data laid over AS data in one build.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { open, type Reader, type Response } from 'maxmind';
import { afterAll, describe, expect, it } from 'vitest';
import { type BuildDatabaseOptions, type DatabaseInput, buildDatabase, formatOf } from '../../tools/mmdb-builder/build-database.js';
import { InputError } from '../../tools/mmdb-builder/input-error.js';
import { RpslObjectParser, type ParsedObject } from '../../tools/mmdb-builder/rpsl/rpsl-objects.js';
import { rpslFixture } from '../support/repo-paths.js';
import { TEST_WRITER_OPTIONS, temporaryDirectory } from './helpers.js';

const temp = temporaryDirectory();
afterAll(temp.remove);

type AnyRecord = Response & Record<string, any>;

function write(name: string, contents: string | Buffer): string {
  const file = path.join(temp.dir, name);
  writeFileSync(file, contents);
  return file;
}

async function build(inputs: readonly (string | DatabaseInput)[], options: Partial<BuildDatabaseOptions> = {}) {
  const output = path.join(temp.dir, `out-${Math.random().toString(36).slice(2)}.mmdb`);
  const messages: string[] = [];
  const statistics = await buildDatabase({
    ...TEST_WRITER_OPTIONS,
    inputs: inputs.map((input) => (typeof input === 'string' ? { path: input } : input)),
    output,
    onProgress: (message) => messages.push(message),
    ...options,
  });
  return { reader: (await open(output)) as Reader<AnyRecord>, statistics, messages, bytes: readFileSync(output) };
}

function parse(text: string): ParsedObject[] {
  const parser = new RpslObjectParser();
  const objects = text.split('\n').map((line) => parser.line(line));
  return [...objects, parser.end()].filter((object) => object !== undefined);
}

describe('RPSL objects', () => {
  it('joins continuation lines (space, tab, +), drops remarks and comment lines, keeps repeated attributes in order', () => {
    const [parsed] = parse(
      [
        '% comment line',
        'inetnum:  192.0.2.0 - 192.0.2.255   # end-of-line remark',
        'descr:    First line',
        '          continued with a space',
        '\tand a tab',
        '+',
        'descr:    Second descr',
        '# another comment',
        'Status:   ASSIGNED PA',
      ].join('\n'),
    );
    expect(parsed).toEqual({
      object: {
        type: 'inetnum',
        line: 2,
        attributes: [
          ['inetnum', '192.0.2.0 - 192.0.2.255'],
          ['descr', 'First line continued with a space and a tab'],
          ['descr', 'Second descr'],
          ['status', 'ASSIGNED PA'],
        ],
      },
    });
  });

  it('marks an object malformed at the offending line, and goes on with the next object', () => {
    const parsed = parse(['inetnum: 192.0.2.0 - 192.0.2.255', 'this is not an attribute', '', 'organisation: ORG-X1-TEST', 'org-name: X'].join('\n'));
    expect(parsed[0]).toEqual({ malformed: { line: 2, reason: expect.stringMatching(/neither an attribute/) } });
    expect(parsed[1]).toMatchObject({ object: { type: 'organisation', line: 4 } });
  });

  it('takes .db and .db.gz files, the registries\' split files (and --format rpsl) as RPSL', () => {
    expect(formatOf({ path: 'ripe.db.inetnum.gz' })).toBe('rpsl');
    expect(formatOf({ path: 'apnic.db.inet6num' })).toBe('rpsl');
    expect(formatOf({ path: 'networks.csv' })).toBe('csv');
    expect(formatOf({ path: 'networks.csv.gz' })).toBe('csv');
    expect(formatOf({ path: 'ripe.db' })).toBe('rpsl');
    expect(formatOf({ path: 'ripe.db.gz' })).toBe('rpsl');
    expect(formatOf({ path: 'split/ripe.db.inetnum.gz', format: 'rpsl' })).toBe('rpsl');
  });
});

describe('building from RPSL', () => {
  it('answers a company assignment with its organisation, provider, country and evidence (plain and gzip give the same bytes)', async () => {
    const plain = await build([rpslFixture('small.db')]);
    const gzipped = await build([{ path: write('small.db.gz', gzipSync(readFileSync(rpslFixture('small.db')))) }]);
    expect(gzipped.bytes.equals(plain.bytes)).toBe(true);
    expect(plain.reader.get('100.70.1.20')).toEqual({
      organization: 'Acme Maschinenbau GmbH',
      isp: 'Beispiel Telekom GmbH',
      country: { iso_code: 'DE' },
      registry: {
        classification: 'business',
        evidence: 'ASSIGNED PA to an organisation ("GmbH") that is not its provider',
        netname: 'ACME-MASCHINENBAU-NET',
        status: 'ASSIGNED PA',
        org_type: 'OTHER',
        source: 'RIPE',
        last_modified: '2023-11-20',
      },
    });
  });

  it('classifies the fixture: pool residential, backbone isp, allocation isp, university education, IPv6 alike', async () => {
    const { reader } = await build([rpslFixture('small.db')]);
    const classOf = (ip: string) => reader.get(ip)?.registry?.classification;
    expect(classOf('100.70.64.1')).toBe('residential');
    expect(classOf('100.70.255.1')).toBe('isp');
    expect(classOf('100.70.200.1')).toBe('isp');
    expect(classOf('192.0.2.1')).toBe('education');
    expect(classOf('2001:db8:100::1')).toBe('business');
    expect(classOf('2001:db8:8000::1')).toBe('residential');
    expect(classOf('2001:db8:1::1')).toBe('isp');
  });

  it('reads Latin-1 text, and drops dummified placeholder values', async () => {
    const { reader } = await build([rpslFixture('small.db')]);
    expect(reader.get('192.0.2.1')?.organization).toBe('Universität Beispielstadt');
    // descr "DUMMY" is not a holder; the private customer has no organisation and is no business.
    expect(reader.get('100.70.2.3')).not.toHaveProperty('organization');
    expect(reader.get('100.70.2.3')?.registry.classification).not.toBe('business');
  });

  it('splits a range that is not CIDR-aligned exactly', async () => {
    const file = write(
      'unaligned.db',
      ['inetnum: 198.51.100.3 - 198.51.100.17', 'netname: ODD', 'descr: Odd Range GmbH', 'status: ASSIGNED PI', 'source: TEST', ''].join('\n'),
    );
    const { reader } = await build([file]);
    expect(reader.get('198.51.100.2')).toBeNull();
    expect(reader.get('198.51.100.3')?.registry.netname).toBe('ODD');
    expect(reader.get('198.51.100.17')?.registry.netname).toBe('ODD');
    expect(reader.get('198.51.100.18')).toBeNull();
  });

  it('resolves an org: whose organisation comes in a later file', async () => {
    const networks = write('networks.db', ['inetnum: 203.0.113.0 - 203.0.113.255', 'netname: LATER', 'org: ORG-LATER1-TEST', 'status: ASSIGNED PI', ''].join('\n'));
    const organisations = write('organisations.db', ['organisation: ORG-LATER1-TEST', 'org-name: Later Logistik AG', 'org-type: OTHER', ''].join('\n'));
    const { reader } = await build([networks, organisations]);
    expect(reader.get('203.0.113.9')).toMatchObject({ organization: 'Later Logistik AG', registry: { classification: 'business', org_type: 'OTHER' } });
  });

  it('skips a malformed object and names it as file:line: reason in the summary', async () => {
    const { reader, messages } = await build([rpslFixture('small.db')]);
    expect(messages).toContain(`  skipped ${rpslFixture('small.db')}:72: inetnum is not a range of two IPv4 addresses`);
    expect(messages.some((message) => /1 malformed objects skipped/.test(message))).toBe(true);
    expect(reader.get('198.51.100.1')).toBeNull();
  });

  it('stops at a file that is not RPSL at all', async () => {
    for (const contents of ['network,name\n192.0.2.0/24,x\n', '[{"192.0.2.0/24": {}}]\n', '2001:db8::/32,x\n', '% only comments\n']) {
      const file = write('not-rpsl.db', contents);
      await expect(build([file])).rejects.toThrow(InputError);
      await expect(build([file])).rejects.toThrow(/not an RPSL file/);
    }
  });

  it('lays registry data over AS data: the more specific network wins, AS number and organisation are kept everywhere', async () => {
    const asn = write(
      'asn.csv',
      ['network,autonomous_system_number:uint32,autonomous_system_organization', '100.70.0.0/16,64500,EXAMPLETEL-AS', '100.70.1.128/25,64501,ACME-AS', '192.0.2.0/24,64502,UNI-AS'].join('\n'),
    );
    const { reader } = await build([asn, rpslFixture('small.db')]);
    // A company's assignment over the provider's AS.
    expect(reader.get('100.70.1.1')).toMatchObject({ organization: 'Acme Maschinenbau GmbH', autonomous_system_number: 64500, autonomous_system_organization: 'EXAMPLETEL-AS' });
    // An AS network more specific than the assignment keeps the assignment's registry data.
    expect(reader.get('100.70.1.200')).toMatchObject({ organization: 'Acme Maschinenbau GmbH', autonomous_system_number: 64501, registry: { classification: 'business' } });
    // The pool inside the allocation wins over the allocation.
    expect(reader.get('100.70.64.1')).toMatchObject({ autonomous_system_number: 64500, registry: { classification: 'residential' } });
    // Only AS data where the registry says nothing; only registry data where AS data says nothing.
    expect(reader.get('2001:db8:1::1')).not.toHaveProperty('autonomous_system_number');
    expect(await build([asn]).then(({ reader: asnOnly }) => asnOnly.get('192.0.2.1'))).toEqual({ autonomous_system_number: 64502, autonomous_system_organization: 'UNI-AS' });
    expect(reader.get('192.0.2.1')).toMatchObject({ autonomous_system_number: 64502, organization: 'Universität Beispielstadt' });
  });
});
