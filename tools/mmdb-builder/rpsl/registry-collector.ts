import { parseTreeAddress, parseTreeNetwork } from '../tree-address.js';
import { InputError } from '../input-error.js';
import { toWords } from '../network-list.js';
import { IntRows, NONE, StringTable } from '../compact-tables.js';
import { type RpslObject, RpslObjectParser, allValues, firstValue } from './rpsl-objects.js';
import { textLines } from './rpsl-lines.js';

/** Columns of a network row: the first and last address (four 32-bit words each), then string ids. */
export const COLUMN = {
  start: 0,
  end: 4,
  netname: 8,
  descr: 9,
  status: 10,
  country: 11,
  org: 12,
  source: 13,
  lastModified: 14,
} as const;
const WIDTH = 15;

const NETWORK_ATTRIBUTES = new Set(['netname', 'descr', 'status', 'country', 'org', 'source', 'last-modified']);
const ORGANISATION_ATTRIBUTES = new Set(['org-name', 'org-type']);
const ORGANISATION_WIDTH = 2;

/** Values the registries put in place of removed personal data ("dummified" objects), or that say nothing. */
const PLACEHOLDER = /^(?:[*.?-]+|n\/?a|none|null|unknown|private|dummy\b.*)$|dummif|\*\*\*/i;

function meaningful(value: string | undefined): string | undefined {
  return value === undefined || value === '' || PLACEHOLDER.test(value) ? undefined : value;
}

/** A skipped object, by place and reason (never its contents: they may hold addresses). */
export interface SkippedObject {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

export interface RegistrySummary {
  readonly networks: number;
  readonly organisations: number;
  readonly otherObjects: number;
  readonly skipped: readonly SkippedObject[];
  readonly skippedCount: number;
  /** Networks whose `org:` names an organisation no input holds. */
  readonly unresolvedOrganisations: number;
}

const MAX_SKIPPED_KEPT = 50;
const MAX_DESCR_LINES = 3;
const MAX_DESCR_CHARACTERS = 200;

/**
 * Collects inetnum, inet6num and organisation objects from RPSL files, in any order and across files,
 * into compact tables; other object types are counted and dropped.
 */
export class RegistryCollector {
  /** Strings the records keep (names, statuses, …). */
  readonly strings = new StringTable();
  /** descr lines, needed only to classify: released with the networks. */
  descriptions = new StringTable();
  networks = new IntRows(WIDTH);
  private readonly organisationIndex = new Map<string, number>();
  private readonly organisations = new IntRows(ORGANISATION_WIDTH);
  private readonly row = new Int32Array(WIDTH);
  private otherObjects = 0;
  private skippedCount = 0;
  private readonly skipped: SkippedObject[] = [];

  /** Reads one file (plain or gzip). A file whose first object is not RPSL stops the build. */
  async read(file: string, onObjects?: (objects: number) => void): Promise<number> {
    const parser = new RpslObjectParser((type, name) =>
      type === 'organisation' ? ORGANISATION_ATTRIBUTES.has(name) : (type === 'inetnum' || type === 'inet6num') && NETWORK_ATTRIBUTES.has(name),
    );
    let objects = 0;
    const take = (parsed: ReturnType<RpslObjectParser['line']>): void => {
      if (!parsed) return;
      if ('malformed' in parsed) {
        if (objects === 0) throw new InputError(file, parsed.malformed.line, `not an RPSL file: ${parsed.malformed.reason}`);
        this.skip(file, parsed.malformed.line, parsed.malformed.reason);
      } else {
        this.add(file, parsed.object);
      }
      if (++objects % 1_000_000 === 0) onObjects?.(objects);
    };
    for await (const lines of textLines(file)) for (const line of lines) take(parser.line(line));
    take(parser.end());
    if (objects === 0) throw new InputError(file, undefined, 'not an RPSL file: it holds no objects');
    return objects;
  }

  organisationOf(networkRow: number): { readonly name: string | null; readonly type: string | null } | undefined {
    const handle = this.strings.text(this.networks.get(networkRow, COLUMN.org));
    const index = handle === null ? undefined : this.organisationIndex.get(handle);
    if (index === undefined) return undefined;
    return { name: this.strings.text(this.organisations.get(index, 0)), type: this.strings.text(this.organisations.get(index, 1)) };
  }

  summary(): RegistrySummary {
    let unresolved = 0;
    for (let row = 0; row < this.networks.length; row++) {
      if (this.networks.get(row, COLUMN.org) !== NONE && !this.organisationOf(row)) unresolved++;
    }
    return {
      networks: this.networks.length,
      organisations: this.organisations.length,
      otherObjects: this.otherObjects,
      skipped: this.skipped,
      skippedCount: this.skippedCount,
      unresolvedOrganisations: unresolved,
    };
  }

  /** Frees the networks and their descr lines once they are resolved into records (the strings stay). */
  releaseNetworks(): void {
    this.networks = new IntRows(WIDTH);
    this.descriptions = new StringTable();
  }

  private skip(file: string, line: number, reason: string): void {
    this.skippedCount++;
    if (this.skipped.length < MAX_SKIPPED_KEPT) this.skipped.push({ file, line, reason });
  }

  private add(file: string, object: RpslObject): void {
    if (object.type === 'organisation') {
      const handle = object.attributes[0]![1].toUpperCase();
      const name = meaningful(firstValue(object, 'org-name'));
      if (!handle) return this.skip(file, object.line, 'organisation without a handle');
      const index = this.organisationIndex.get(handle) ?? this.organisations.length;
      const values = [this.strings.id(name), this.strings.id(firstValue(object, 'org-type')?.toUpperCase())];
      if (index === this.organisations.length) {
        this.organisations.push(values);
        this.organisationIndex.set(handle, index);
      } else {
        this.organisations.row(index).set(values);
      }
      return;
    }
    if (object.type !== 'inetnum' && object.type !== 'inet6num') {
      this.otherObjects++;
      return;
    }
    const range = object.type === 'inetnum' ? ipv4Range(object.attributes[0]![1]) : ipv6Range(object.attributes[0]![1]);
    if (typeof range === 'string') return this.skip(file, object.line, range);
    const row = this.row;
    row.set(toWords(range[0]), COLUMN.start);
    row.set(toWords(range[1]), COLUMN.end);
    const descr = allValues(object, 'descr').map(meaningful).filter((line) => line !== undefined);
    row[COLUMN.netname] = this.strings.id(meaningful(firstValue(object, 'netname')));
    // The first lines name the holder and the network's use; the rest (addresses, notes) only cost memory.
    row[COLUMN.descr] = this.descriptions.id(descr.slice(0, MAX_DESCR_LINES).join('\n').slice(0, MAX_DESCR_CHARACTERS));
    row[COLUMN.status] = this.strings.id(firstValue(object, 'status')?.toUpperCase());
    row[COLUMN.country] = this.strings.id(countryCode(firstValue(object, 'country')));
    row[COLUMN.org] = this.strings.id(firstValue(object, 'org')?.toUpperCase());
    row[COLUMN.source] = this.strings.id(firstValue(object, 'source')?.split(/\s/)[0]?.toUpperCase());
    row[COLUMN.lastModified] = this.strings.id(/^\d{4}-\d{2}-\d{2}/.exec(firstValue(object, 'last-modified') ?? '')?.[0]);
    this.networks.push(row);
  }
}

/** ISO 3166-1 alpha-2, without the registries' "EU" (no country) and "ZZ" (unknown). */
function countryCode(value: string | undefined): string | undefined {
  const code = value?.trim().toUpperCase();
  return code && /^[A-Z]{2}$/.test(code) && code !== 'EU' && code !== 'ZZ' ? code : undefined;
}

/** "a.b.c.d - e.f.g.h" (any alignment) or a CIDR; the reason as a string when it is neither. */
function ipv4Range(text: string): readonly [bigint, bigint] | string {
  if (text.includes('/')) {
    const network = parseTreeNetwork(text.replace(/\s+/g, ''));
    if (!network || network.address.family !== 4) return 'inetnum is neither "first - last" nor an IPv4 CIDR';
    return [network.address.value, network.address.value + (1n << BigInt(128 - network.treePrefixLength)) - 1n];
  }
  const parts = text.split('-').map((part) => part.trim());
  const first = parts.length === 2 ? parseTreeAddress(parts[0]!) : undefined;
  const last = parts.length === 2 ? parseTreeAddress(parts[1]!) : undefined;
  if (!first || !last || first.family !== 4 || last.family !== 4) return 'inetnum is not a range of two IPv4 addresses';
  if (first.value > last.value) return 'inetnum range starts after it ends';
  return [first.value, last.value];
}

function ipv6Range(text: string): readonly [bigint, bigint] | string {
  const network = parseTreeNetwork(text.replace(/\s+/g, ''));
  if (!network || network.address.family !== 6) return 'inet6num is not an IPv6 prefix';
  return [network.address.value, network.address.value + (1n << BigInt(128 - network.treePrefixLength)) - 1n];
}
