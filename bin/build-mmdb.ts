#!/usr/bin/env node
// Builds an MMDB file from CSV / MaxMind source JSON: `npm run build:mmdb -- --input x.csv --output x.mmdb`.
// Run with --help for the options; the README's "Building an IP database" section explains the formats.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { INPUT_FORMATS, type InputFormat, buildDatabase } from '../tools/mmdb-builder/build-database.js';
import { InputError } from '../tools/mmdb-builder/input-error.js';
import { type FieldType, isFieldType } from '../tools/mmdb-builder/mmdb-value.js';
import type { MmdbStatistics } from '../tools/mmdb-builder/mmdb-writer.js';
import { RECORD_SIZES, type RecordSize } from '../tools/mmdb-builder/serialize-tree.js';
import {
  DEFAULT_DATABASE_PATH,
  REGISTRY_DATABASE_TYPE,
  buildDefaultDatabase,
  defaultDatabaseBuildOptions,
  rebuildDefaultDatabase,
} from '../layers/mmdb/default-database.js';

const USAGE = `Usage:
  build-mmdb --input <file> [--input <file> ...] --output <file.mmdb> [options]
  build-mmdb --default [--output <file.mmdb>]
                                  build the default database from @ip-location-db/asn and
                                  @ip-location-db/geo-whois-asn-country
                                  (default output: ${path.relative(process.cwd(), DEFAULT_DATABASE_PATH)})
  build-mmdb --default --input <ripe.db.inetnum.gz> [--input ...] --output <file.mmdb>
                                  a company database: registry (RPSL) inputs laid over the default data,
                                  so every network keeps its AS number and organisation

Inputs (read in order; for the very same network the later input wins, a more specific network always wins):
  *.json    MaxMind source-data JSON: [ { "1.0.0.0/24": { ...record } }, ... ]
  *.db, *.db.gz, *.db.<class>[.gz] (e.g. ripe.db.inetnum.gz)
            RPSL bulk whois dumps of the Regional Internet Registries (plain or gzip; inetnum, inet6num
            and organisation objects are read, in any order and across files; other objects are ignored).
            They are laid over the other inputs: their records add organisation, ISP, country and the
            registry evidence to the AS data under them. Malformed objects are skipped and listed.
  other     CSV; the header row names the columns: "network" (CIDR) or "ip_range_start"/"start" and
            "ip_range_end"/"end" (inclusive), then record fields as path[:type], e.g.
            company.name,autonomous_system_number:uint32. Empty cells leave the field out.

Options:
  --format csv|json|rpsl     override the format taken from the file extension
  --columns <a,b:type,...>   the CSV files have no header row: use these column names
  --type <field>=<type>      declare a field's type (by key or dotted path), e.g. --type score=float
                             types: utf8_string boolean double float uint16 uint32 int32 uint64 uint128
  --database-type <name>     metadata database_type (default "Custom"; with --default and inputs
                             "${REGISTRY_DATABASE_TYPE}")
  --description <text>       metadata description (English); put the data's attribution here (with
                             --default, the default data's attribution is appended)
  --languages <en,de,...>    metadata languages (locales the records are localised in; default none)
  --build-epoch <seconds>    metadata build_epoch (default $SOURCE_DATE_EPOCH, else the newest input's
                             modification time; never the clock, so the same input gives the same bytes)
  --record-size 24|28|32     force a record size (default: the smallest that fits)
  --no-ipv4-aliases          do not alias ::ffff:0:0/96 and 2002::/16 to the IPv4 networks
  --quiet                    no progress output
  --help`;

class UsageError extends Error {}

function parseTypeOverrides(values: readonly string[]): Record<string, FieldType> {
  const overrides: Record<string, FieldType> = {};
  for (const value of values) {
    const [field, type] = value.split('=');
    if (!field || !type || !isFieldType(type)) throw new UsageError(`--type ${value}: expected <field>=<type> with a known type`);
    overrides[field] = type;
  }
  return overrides;
}

/** --build-epoch, else $SOURCE_DATE_EPOCH, else the newest input's modification time: never the clock. */
async function buildEpochFor(option: string | undefined, inputs: readonly string[]): Promise<bigint> {
  const text = option ?? process.env.SOURCE_DATE_EPOCH;
  if (text !== undefined && text !== '') {
    if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`build epoch "${text}" is not a positive whole number of seconds`);
    return BigInt(text);
  }
  const modified = await Promise.all(inputs.map((input) => stat(input).then((stats) => stats.mtimeMs, () => 0)));
  return BigInt(Math.max(1, Math.floor(Math.max(...modified) / 1000)));
}

function parseRecordSize(text: string | undefined): RecordSize | undefined {
  if (text === undefined) return undefined;
  const size = RECORD_SIZES.find((candidate) => String(candidate) === text);
  if (size === undefined) throw new UsageError(`--record-size must be one of ${RECORD_SIZES.join(', ')}`);
  return size;
}

async function main(argv: readonly string[]): Promise<MmdbStatistics | undefined> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      input: { type: 'string', multiple: true, default: [] },
      output: { type: 'string' },
      format: { type: 'string' },
      columns: { type: 'string' },
      type: { type: 'string', multiple: true, default: [] },
      'database-type': { type: 'string' },
      description: { type: 'string' },
      languages: { type: 'string', default: '' },
      'build-epoch': { type: 'string' },
      'record-size': { type: 'string' },
      'no-ipv4-aliases': { type: 'boolean', default: false },
      default: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return undefined;
  }
  const onProgress = values.quiet ? undefined : (message: string) => process.stderr.write(`${message}\n`);
  if (values.default && values.input.length === 0) {
    return values.output ? buildDefaultDatabase(values.output, onProgress) : rebuildDefaultDatabase(onProgress);
  }

  if (values.input.length === 0 || !values.output) throw new UsageError('give at least one --input and an --output');
  if (values.format !== undefined && !INPUT_FORMATS.includes(values.format as InputFormat)) {
    throw new UsageError(`--format must be one of ${INPUT_FORMATS.join(', ')}`);
  }
  const format = values.format as InputFormat | undefined;
  const columns = values.columns?.split(',');
  const recordSize = parseRecordSize(values['record-size']);
  const inputs = values.input.map((file) => ({ path: file, ...(format ? { format } : {}), ...(columns ? { columns } : {}) }));
  const base = values.default ? defaultDatabaseBuildOptions(values.output) : undefined;
  const description = [values.description, base?.description.en].filter((text) => text !== undefined).join(' Combined with: ');
  return buildDatabase({
    inputs: [...(base?.inputs ?? []), ...inputs],
    output: values.output,
    typeOverrides: parseTypeOverrides(values.type),
    databaseType: values['database-type'] ?? (base ? REGISTRY_DATABASE_TYPE : 'Custom'),
    description: description ? { en: description } : {},
    languages: values.languages.split(',').filter((language) => language !== ''),
    buildEpoch: await buildEpochFor(values['build-epoch'], values.input),
    ...(recordSize ? { recordSize } : {}),
    ipv4Aliases: !values['no-ipv4-aliases'],
    ...(onProgress ? { onProgress } : {}),
  });
}

try {
  const statistics = await main(process.argv.slice(2));
  if (statistics && statistics.networksShadowedBy6to4Alias > 0) {
    process.stderr.write(
      `note: ${statistics.networksShadowedBy6to4Alias} input network(s) inside 2002::/16 are answered by the 6to4 alias ` +
        '(their IPv4 address) instead; use --no-ipv4-aliases to keep them\n',
    );
  }
} catch (error) {
  if (error instanceof InputError || error instanceof UsageError || String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`build-mmdb: ${(error as Error).message}\n`);
    if (!(error instanceof InputError)) process.stderr.write(`\n${USAGE}\n`);
    process.exitCode = error instanceof InputError ? 1 : 2;
  } else {
    throw error;
  }
}
