// Full-size RPSL build: `npx tsx bench/registry-build.ts [--scale 0.1] [--without-default]` generates a
// synthetic dump of the size and shape of the RIPE Database split files (4.5 million inetnum, 1.2 million
// inet6num and 100,000 organisation objects at scale 1, gzip-compressed), builds a company database from
// it laid over the default data (as the README's operator guide does), and prints the build time and peak
// RSS of the build process. No assertions: the goal (< 10 minutes, < 2 GB peak RSS on 2 cores) is read off.
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { REPO_ROOT } from '../test/support/repo-paths.js';

export const FULL_SIZE = { inetnum: 4_500_000, inet6num: 1_200_000, organisation: 100_000 } as const;

export interface RegistryBuildBenchmark {
  readonly objects: { readonly inetnum: number; readonly inet6num: number; readonly organisation: number };
  readonly dumpBytes: number;
  readonly generateSeconds: number;
  /** Reading, resolving, building and writing, as timed inside the child process. */
  readonly buildSeconds: number;
  readonly processSeconds: number;
  /** CPU time of the child (user + system): what the build costs when the machine is shared. */
  readonly cpuSeconds: number;
  readonly peakRssMegabytes: number;
  readonly withDefault: boolean;
  readonly networks: number;
  readonly distinctRecords: number;
  readonly fileBytes: number;
}

/** A deterministic pseudo-random source (the same dump on every run). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
}

const POOL_DESCR = ['Dynamic IP pool for DSL customers', 'FTTH Kunden', 'Klanten glasvezel', 'Clients ADSL residentiels', 'Clienti fibra', 'Broadband customers'];
const COMPANY_WORDS = ['Nord', 'Sued', 'Alpha', 'Delta', 'Hansa', 'Lumen', 'Vega', 'Orion', 'Atlas', 'Borealis', 'Castor', 'Iris'];
const LEGAL_FORMS = ['GmbH', 'B.V.', 'SAS', 'S.r.l.', 'S.L.', 'Sp. z o.o.', 'AB', 's.r.o.', 'Oy', 'Ltd', 'AG', 'A/S'];
const COUNTRIES = ['DE', 'NL', 'FR', 'IT', 'ES', 'PL', 'SE', 'CZ', 'AT', 'BE', 'GB', 'RU', 'UA', 'TR', 'IR'];
const CHUNK_OBJECTS = 2_000;

function ipv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** Writes objects through gzip in chunks of text, waiting for the stream when it asks to. */
async function writeGzip(file: string, count: number, objectText: (index: number) => string): Promise<void> {
  const gzip = createGzip({ level: 1 });
  const output = gzip.pipe(createWriteStream(file));
  gzip.write('% The RIPE Database is subject to Terms and Conditions (synthetic benchmark data).\n\n');
  for (let start = 0; start < count; start += CHUNK_OBJECTS) {
    let text = '';
    for (let i = start; i < Math.min(count, start + CHUNK_OBJECTS); i++) text += objectText(i);
    if (!gzip.write(text)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await finished(output);
}

function commonAttributes(random: () => number, maintainer: string): string {
  const day = 1 + Math.floor(random() * 28);
  return (
    `admin-c:        DUMY-RIPE\ntech-c:         DUMY-RIPE\nmnt-by:         ${maintainer}\n` +
    `created:        2012-03-${String(day).padStart(2, '0')}T09:00:00Z\nlast-modified:  2024-0${1 + Math.floor(random() * 9)}-${String(day).padStart(2, '0')}T09:00:00Z\n` +
    'source:         RIPE # Filtered\n\n'
  );
}

/**
 * Generates the three files. Providers (LIRs, 1 in 4 organisations) hold ALLOCATED PA blocks in the
 * IPv4 space; every other inetnum is an assignment inside one of them: customer pools, company
 * assignments (some with an org:, some with descr only, some not CIDR-aligned) and infrastructure,
 * with mostly distinct netnames as in the real dump. inet6num objects follow the same pattern.
 */
async function generateDump(directory: string, objects: RegistryBuildBenchmark['objects']): Promise<string[]> {
  const random = lcg(42);
  const providers = Math.max(1, Math.floor(objects.organisation / 4));
  const allocations = Math.max(1, Math.min(providers, Math.floor(objects.inetnum / 100)));
  const perAllocation = Math.ceil(objects.inetnum / allocations);
  const blockBits = Math.ceil(Math.log2(perAllocation * 64)); // room for /26-sized assignments on average
  const organisationFile = path.join(directory, 'ripe.db.organisation.gz');
  const inetnumFile = path.join(directory, 'ripe.db.inetnum.gz');
  const inet6numFile = path.join(directory, 'ripe.db.inet6num.gz');
  const orgHandle = (index: number) => `ORG-B${index}-RIPE`;
  const companyName = (index: number) =>
    `${COMPANY_WORDS[index % COMPANY_WORDS.length]} ${COMPANY_WORDS[(index >>> 4) % COMPANY_WORDS.length]} ${index} ${LEGAL_FORMS[index % LEGAL_FORMS.length]}`;

  await writeGzip(organisationFile, objects.organisation, (i) => {
    const lir = i < providers;
    return (
      `organisation:   ${orgHandle(i)}\norg-name:       ${lir ? `Provider ${i} Telecom ${LEGAL_FORMS[i % LEGAL_FORMS.length]}` : companyName(i)}\n` +
      `org-type:       ${lir ? 'LIR' : 'OTHER'}\naddress:        ***\nphone:          +00 00 0000000\ne-mail:         ***@example.net\n` +
      commonAttributes(random, `B${i}-MNT`)
    );
  });

  const baseV4 = 0x0200_0000; // 2.0.0.0
  await writeGzip(inetnumFile, objects.inetnum, (i) => {
    const allocation = Math.floor(i / perAllocation) % allocations;
    const blockStart = baseV4 + allocation * 2 ** blockBits;
    const country = COUNTRIES[allocation % COUNTRIES.length];
    const maintainer = `B${allocation}-MNT`;
    if (i % perAllocation === 0) {
      return (
        `inetnum:        ${ipv4(blockStart)} - ${ipv4(blockStart + 2 ** blockBits - 1)}\nnetname:        ${country}-PROVIDER${allocation}-2012\n` +
        `country:        ${country}\norg:            ${orgHandle(allocation)}\nstatus:         ALLOCATED PA\nmnt-by:         RIPE-NCC-HM-MNT\n` +
        commonAttributes(random, maintainer)
      );
    }
    const slot = i % perAllocation;
    const first = blockStart + slot * 64;
    const kind = random();
    const size = 8 << Math.floor(random() * 4); // 8–64 addresses
    let body: string;
    if (kind < 0.35) {
      body = `netname:        P${allocation}-POOL-${slot}\ndescr:          Provider ${allocation}\ndescr:          ${POOL_DESCR[slot % POOL_DESCR.length]}\norg:            ${orgHandle(allocation)}\n`;
    } else if (kind < 0.55) {
      const company = providers + ((i * 7) % Math.max(1, objects.organisation - providers));
      body = `netname:        CUST-${i}\ndescr:          ${companyName(company)}\norg:            ${orgHandle(company)}\n`;
    } else if (kind < 0.85) {
      body = `netname:        CUST-${i}\ndescr:          ${companyName(i)}\ndescr:          Office network\n                second descr line continued\n`;
    } else if (kind < 0.95) {
      body = `netname:        CUST-${i}\ndescr:          Customer\n`;
    } else {
      body = `netname:        P${allocation}-INFRA-${slot}\ndescr:          Backbone and point-to-point links\norg:            ${orgHandle(allocation)}\n`;
    }
    const last = first + (kind > 0.5 && kind < 0.52 ? size - 3 : size - 1); // a few ranges not CIDR-aligned
    return `inetnum:        ${ipv4(first)} - ${ipv4(last)}\n${body}country:        ${country}\nstatus:         ASSIGNED PA\n${commonAttributes(random, maintainer)}`;
  });

  await writeGzip(inet6numFile, objects.inet6num, (i) => {
    const allocation = i % allocations;
    const prefix = `2a${(0x10 + Math.floor(allocation / 65_536)).toString(16)}:${(allocation % 65_536).toString(16)}`;
    if (i < allocations) {
      return `inet6num:       ${prefix}::/32\nnetname:        PROVIDER${allocation}-V6\ncountry:        DE\norg:            ${orgHandle(allocation)}\nstatus:         ALLOCATED-BY-RIR\n${commonAttributes(random, `B${allocation}-MNT`)}`;
    }
    const site = Math.floor(i / allocations);
    const company = providers + ((i * 13) % Math.max(1, objects.organisation - providers));
    return (
      `inet6num:       ${prefix}:${(site % 65_536).toString(16)}::/48\nnetname:        V6-CUST-${i}\ndescr:          ${companyName(company)}\n` +
      `country:        DE\norg:            ${orgHandle(company)}\nstatus:         ASSIGNED\n${commonAttributes(random, `B${allocation}-MNT`)}`
    );
  });
  return [inetnumFile, inet6numFile, organisationFile];
}

/** Builds in a child process (Node + tsx), so its peak RSS is the build's own. */
function buildInChild(inputs: readonly string[], output: string, withDefault: boolean) {
  const child = `
    const { buildDatabase } = await import(${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'tools/mmdb-builder/build-database.ts')).href)});
    const { defaultDatabaseBuildOptions } = await import(${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'layers/mmdb/default-database.ts')).href)});
    const inputs = ${JSON.stringify(inputs)}.map((file) => ({ path: file, format: 'rpsl' }));
    const base = ${withDefault} ? defaultDatabaseBuildOptions(${JSON.stringify(output)}).inputs : [];
    const started = performance.now();
    const statistics = await buildDatabase({
      inputs: [...base, ...inputs], output: ${JSON.stringify(output)}, databaseType: 'EU-Enrichment-Registry',
      description: { en: 'synthetic benchmark' }, languages: [], buildEpoch: 1700000000n,
      onProgress: (message) => process.stderr.write(message + '\\n'),
    });
    const usage = process.resourceUsage();
    const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
    process.stdout.write(JSON.stringify({ buildSeconds: (performance.now() - started) / 1000, cpuSeconds, peakRssKilobytes: usage.maxRSS, statistics }));
  `;
  const started = performance.now();
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', child], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  const processSeconds = (performance.now() - started) / 1000;
  const result = JSON.parse(stdout) as { buildSeconds: number; cpuSeconds: number; peakRssKilobytes: number; statistics: { networks: number; records: number; fileBytes: number } };
  return { ...result, processSeconds };
}

export async function benchmarkRegistryBuild(scale = 1, withDefault = true): Promise<RegistryBuildBenchmark> {
  const objects = {
    inetnum: Math.round(FULL_SIZE.inetnum * scale),
    inet6num: Math.round(FULL_SIZE.inet6num * scale),
    organisation: Math.round(FULL_SIZE.organisation * scale),
  };
  const directory = mkdtempSync(path.join(tmpdir(), 'bench-registry-'));
  try {
    const generated = performance.now();
    const inputs = await generateDump(directory, objects);
    const generateSeconds = (performance.now() - generated) / 1000;
    const build = buildInChild(inputs, path.join(directory, 'companies.mmdb'), withDefault);
    return {
      objects,
      dumpBytes: inputs.reduce((sum, file) => sum + statSync(file).size, 0),
      generateSeconds,
      buildSeconds: build.buildSeconds,
      processSeconds: build.processSeconds,
      cpuSeconds: build.cpuSeconds,
      peakRssMegabytes: build.peakRssKilobytes / 1024,
      withDefault,
      networks: build.statistics.networks,
      distinctRecords: build.statistics.records,
      fileBytes: build.statistics.fileBytes,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

export function renderRegistryBuild(b: RegistryBuildBenchmark): string {
  const count = (n: number) => n.toLocaleString('en-US');
  const fullSize = b.objects.inetnum >= FULL_SIZE.inetnum;
  return [
    `RPSL build — synthetic RIPE-shaped dump${fullSize ? ' (full size)' : ` (scaled to ${((b.objects.inetnum / FULL_SIZE.inetnum) * 100).toFixed(0)} %)`}` +
      `${b.withDefault ? ', laid over the default ASN + country data' : ''}`,
    `  objects        ${count(b.objects.inetnum)} inetnum, ${count(b.objects.inet6num)} inet6num, ${count(b.objects.organisation)} organisation (${(b.dumpBytes / 1e6).toFixed(0)} MB gzip; generated in ${b.generateSeconds.toFixed(0)} s)`,
    `  build          ${b.buildSeconds.toFixed(1)} s (whole child process ${b.processSeconds.toFixed(1)} s)   goal < 600 s${fullSize ? `: ${b.processSeconds < 600 ? 'met' : 'missed'}` : ''}`,
    `  CPU time       ${b.cpuSeconds.toFixed(1)} s (user + system of the build process; the wall time above includes waiting for a shared CPU)`,
    `  peak RSS       ${b.peakRssMegabytes.toFixed(0)} MB   goal < 2,048 MB${fullSize ? `: ${b.peakRssMegabytes < 2048 ? 'met' : 'missed'}` : ''}`,
    `  output         ${(b.fileBytes / 1e6).toFixed(0)} MB, ${count(b.networks)} networks, ${count(b.distinctRecords)} distinct records`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, 'without-default': { type: 'boolean', default: false } } });
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 1)) throw new Error('--scale must be a number in (0, 1]');
  console.log(renderRegistryBuild(await benchmarkRegistryBuild(scale, !values['without-default'])));
}
