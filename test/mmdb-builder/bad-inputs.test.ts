// Every class of bad input stops the build with an error naming the file, the line and the reason, and
// leaves neither the output file nor a temporary file behind.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDatabase } from '../../tools/mmdb-builder/build-database.js';
import { InputError } from '../../tools/mmdb-builder/input-error.js';
import { TEST_WRITER_OPTIONS, repoRoot, temporaryDirectory } from './helpers.js';

const temp = temporaryDirectory();
afterAll(temp.remove);

const HEADER = 'ip_range_start,ip_range_end,company.name,autonomous_system_number:uint32';
const GOOD_ROW = '192.0.2.0,192.0.2.255,Example BV,64500';

interface Case {
  readonly name: string;
  readonly file: string;
  readonly contents: string;
  readonly line: number;
  readonly reason: RegExp;
  readonly columns?: string[];
}

const CASES: readonly Case[] = [
  {
    name: 'an invalid address',
    file: 'invalid-address.csv',
    contents: [HEADER, GOOD_ROW, '198.51.100.300,198.51.100.255,Bad BV,64501'].join('\n'),
    line: 3,
    reason: /column 1 \(range start\) is not a valid IP address/,
  },
  {
    name: 'an invalid CIDR',
    file: 'invalid-cidr.csv',
    contents: ['network,name', '10.0.0.0/8,ok', '10.0.0.0/33,bad'].join('\n'),
    line: 3,
    reason: /column 1 is not a valid CIDR network/,
  },
  {
    name: 'a range whose start is after its end',
    file: 'start-after-end.csv',
    contents: [HEADER, GOOD_ROW, GOOD_ROW, '198.51.100.9,198.51.100.1,Backwards BV,64502'].join('\n'),
    line: 4,
    reason: /the range start is after the range end/,
  },
  {
    name: 'a range mixing address families',
    file: 'mixed-families.csv',
    contents: [HEADER, '198.51.100.0,2001:db8::ff,Mixed BV,64503'].join('\n'),
    line: 2,
    reason: /mixes an IPv4 start with an IPv6 end/,
  },
  {
    name: 'a field that does not parse as its type',
    file: 'bad-field.csv',
    contents: [HEADER, GOOD_ROW, '198.51.100.0,198.51.100.255,"Quoted, BV",AS64504'].join('\n'),
    line: 3,
    reason: /column 4 \("autonomous_system_number", uint32\): "AS64504" is not an integer/,
  },
  {
    name: 'a number out of range for its type',
    file: 'out-of-range.csv',
    contents: [HEADER, '198.51.100.0,198.51.100.255,Big BV,4294967296'].join('\n'),
    line: 2,
    reason: /4294967296 is out of range for uint32/,
  },
  {
    name: 'a row with the wrong number of columns',
    file: 'short-row.csv',
    contents: [HEADER, '198.51.100.0,198.51.100.255,Short BV'].join('\n'),
    line: 2,
    reason: /expected 4 columns, found 3/,
  },
  {
    name: 'a bad row in a CSV without a header row (columns given)',
    file: 'headerless.csv',
    contents: ['1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."', '1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd,extra'].join('\n'),
    columns: ['ip_range_start', 'ip_range_end', 'autonomous_system_number:uint32', 'autonomous_system_organization'],
    line: 2,
    reason: /expected 4 columns, found 5/,
  },
  {
    name: 'an unclosed quote',
    file: 'unclosed-quote.csv',
    contents: [HEADER, GOOD_ROW, '198.51.100.0,198.51.100.255,"Open BV,64505'].join('\n'),
    line: 3,
    reason: /a quoted field is never closed/,
  },
  {
    name: 'an unknown type in the header',
    file: 'unknown-type.csv',
    contents: ['network,name,asn:uint31', '10.0.0.0/8,x,1'].join('\n'),
    line: 1,
    reason: /header row: column 3 \("asn:uint31"\) has unknown type "uint31"/,
  },
  {
    name: 'a header without network columns',
    file: 'no-network.csv',
    contents: ['name,asn', 'x,1'].join('\n'),
    line: 1,
    reason: /must include either "network"/,
  },
  {
    name: 'malformed JSON',
    file: 'malformed.json',
    contents: '[\n  { "192.0.2.0/24": { "name": "ok" } },\n  { "198.51.100.0/24": { "name": "missing brace" }\n]\n',
    line: 4,
    reason: /malformed JSON: Expected ',' or '}' after property value/,
  },
  {
    name: 'a JSON entry with an invalid network',
    file: 'bad-network.json',
    contents: '[\n  { "192.0.2.0/24": { "name": "ok" } },\n  {\n    "192.0.2.0/40": { "name": "bad" }\n  }\n]\n',
    line: 3,
    reason: /entry 2 has a key that is not a valid CIDR network/,
  },
  {
    name: 'a JSON number without a declared type',
    file: 'untyped-number.json',
    contents: '[\n  { "192.0.2.0/24": { "employees": 12 } }\n]\n',
    line: 2,
    reason: /entry 1: field "employees" is a number with no declared MMDB type; declare one, e.g. --type employees=uint32/,
  },
];

describe.each(CASES)('$name', ({ file, contents, line, reason, columns }) => {
  it('fails naming file, line and reason, and leaves no file behind', async () => {
    const dir = path.join(temp.dir, file.replace(/\W/g, '-'));
    mkdirSync(dir);
    const input = path.join(dir, file);
    writeFileSync(input, contents);
    const output = path.join(dir, 'out.mmdb');

    const failure = await buildDatabase({ ...TEST_WRITER_OPTIONS, inputs: [{ path: input, ...(columns ? { columns } : {}) }], output }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(InputError);
    const error = failure as InputError;
    expect(error.file).toBe(input);
    expect(error.line).toBe(line);
    expect(error.reason).toMatch(reason);
    expect(error.message).toBe(`${input}:${line}: ${error.reason}`);
    // No address from the input is quoted back.
    expect(error.message).not.toMatch(/\d+\.\d+\.\d+\.\d+|2001:db8/);
    expect(readdirSync(dir)).toEqual([file]);
  });
});

describe('the build-mmdb command', () => {
  it('exits non-zero with the error on stderr and writes nothing for a bad row', () => {
    const dir = path.join(temp.dir, 'cli');
    mkdirSync(dir);
    const input = path.join(dir, 'bad.csv');
    writeFileSync(input, [HEADER, GOOD_ROW, '198.51.100.9,198.51.100.1,Backwards BV,64502'].join('\n'));
    const run = spawnSync('npx', ['tsx', 'bin/build-mmdb.ts', '--input', input, '--output', path.join(dir, 'out.mmdb')], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`build-mmdb: ${input}:3: the range start is after the range end`);
    expect(readdirSync(dir)).toEqual(['bad.csv']);
  }, 30_000);

  it('builds a database and reports progress on stderr', () => {
    const dir = path.join(temp.dir, 'cli-ok');
    mkdirSync(dir);
    const input = path.join(dir, 'good.csv');
    writeFileSync(input, [HEADER, GOOD_ROW].join('\n'));
    const output = path.join(dir, 'out.mmdb');
    const run = spawnSync(
      'npx',
      ['tsx', 'bin/build-mmdb.ts', '--input', input, '--output', output, '--build-epoch', '1700000000', '--record-size', '28'],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(run.stderr).toContain('28-bit records');
    expect(run.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['good.csv', 'out.mmdb']);
  }, 30_000);
});
