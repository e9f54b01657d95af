import { existsSync } from 'node:fs';
import { mkdir, open, rm, stat, truncate } from 'node:fs/promises';
import * as path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { keyFromJson, keyToJson, toExportLine, type ItemKey } from './export-lines.js';
import { readJsonIfExists, sha256OfFile, writeJsonAtomic } from './files.js';
import { tenantPartitions } from './tenant-partition.js';
import { countTenantItems, queryTenantPage } from './tenant-queries.js';
import { TOOL_VERSION } from './tool-version.js';

export const EXPORT_FILES = {
  items: 'items.jsonl',
  manifest: 'manifest.json',
  checkpoint: '.export-checkpoint.json',
} as const;

export const EXPORT_CONSISTENCY =
  'Strongly consistent Query pages over the tenant partitions (the unsharded layout, then each shard), each in sort-key order: every write acknowledged before ' +
  'a page was read is in it. Not a point-in-time snapshot: a visit written while the export runs is included only ' +
  'if it lands after the point being read (later in the current partition, or in a partition not read yet). Disable the tenant API key first so that nothing is written meanwhile.';

/** What the controller receives next to items.jsonl; the checksum lets it verify the file it got. */
export interface ExportManifest {
  readonly format: 'DynamoDB JSON Lines (one {"Item": …} per line, as DynamoDB export to S3)';
  readonly tenant: string;
  readonly table: string;
  readonly file: typeof EXPORT_FILES.items;
  readonly itemCount: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** How often the export was interrupted and resumed. */
  readonly resumptions: number;
  readonly consistency: string;
  readonly toolVersion: string;
}

/** Written after every page: the export can resume from here without duplicating an item. */
interface ExportCheckpoint {
  readonly tenant: string;
  readonly table: string;
  readonly startedAt: string;
  readonly resumptions: number;
  readonly pages: number;
  readonly count: number;
  /** Length of items.jsonl up to the last complete page: anything after it is discarded on resume. */
  readonly bytes: number;
  readonly nextKey: Record<string, string> | undefined;
}

export interface ExportOptions {
  readonly client: DynamoDBClient;
  readonly table: string;
  readonly tenantId: string;
  readonly dir: string;
  /** Items per Query page (and per checkpoint). @default 500 */
  readonly pageSize?: number;
  /** Stops the export after the current page; re-running resumes it. */
  readonly signal?: AbortSignal;
  readonly progress?: (message: string) => void;
  /** Called after each page is written and checkpointed. */
  readonly afterPage?: (state: { readonly pages: number; readonly count: number }) => void;
  readonly now?: () => Date;
}

export type ExportResult =
  | { readonly status: 'complete' | 'already-complete'; readonly manifest: ExportManifest }
  | { readonly status: 'interrupted'; readonly count: number };

/**
 * Exports every item of the tenant to `<dir>/items.jsonl` and writes `<dir>/manifest.json` (count,
 * SHA-256, timestamps). Resumable: after an interruption or a crash, the same call continues from the
 * last checkpoint and yields the same file, byte for byte, as an uninterrupted run.
 */
export async function exportTenant(options: ExportOptions): Promise<ExportResult> {
  const partitions = tenantPartitions(options.tenantId);
  const now = options.now ?? (() => new Date());
  const progress = options.progress ?? (() => {});
  const files = exportPaths(options.dir);

  const finished = await readJsonIfExists<ExportManifest>(files.manifest);
  if (finished) {
    assertSameExport(finished, options);
    return { status: 'already-complete', manifest: finished };
  }

  await mkdir(options.dir, { recursive: true });
  let state = await resumeOrStart(files, options, now);
  if (state.resumptions > 0) progress(`export ${options.tenantId}: resuming after ${state.count} items (${pages(state.pages)})`);

  const output = await open(files.items, 'a');
  try {
    let startKey: ItemKey | undefined = state.nextKey && keyFromJson(state.nextKey);
    do {
      if (options.signal?.aborted) return { status: 'interrupted', count: state.count };
      const page = await queryTenantPage({ client: options.client, table: options.table, partitions }, {
        startKey,
        pageSize: options.pageSize ?? 500,
      });
      const text = page.items.map(toExportLine).join('');
      await output.write(text);
      await output.datasync();
      startKey = page.nextKey;
      state = {
        ...state,
        pages: state.pages + 1,
        count: state.count + page.items.length,
        bytes: state.bytes + Buffer.byteLength(text),
        nextKey: startKey && keyToJson(startKey),
      };
      await writeJsonAtomic(files.checkpoint, state);
      progress(`export ${options.tenantId}: ${state.count} items (${pages(state.pages)})`);
      options.afterPage?.({ pages: state.pages, count: state.count });
    } while (startKey);
  } finally {
    await output.close();
  }

  const manifest: ExportManifest = {
    format: 'DynamoDB JSON Lines (one {"Item": …} per line, as DynamoDB export to S3)',
    tenant: options.tenantId,
    table: options.table,
    file: EXPORT_FILES.items,
    itemCount: state.count,
    bytes: state.bytes,
    sha256: await sha256OfFile(files.items),
    startedAt: state.startedAt,
    finishedAt: now().toISOString(),
    resumptions: state.resumptions,
    consistency: EXPORT_CONSISTENCY,
    toolVersion: TOOL_VERSION,
  };
  await writeJsonAtomic(files.manifest, manifest);
  await rm(files.checkpoint);
  return { status: 'complete', manifest };
}

/** What an export would do now, without writing anything. */
export async function planExport(options: Pick<ExportOptions, 'client' | 'table' | 'tenantId' | 'dir'>): Promise<{
  readonly itemCount: number;
  readonly alreadyExported: number;
  readonly alreadyComplete: boolean;
}> {
  const partitions = tenantPartitions(options.tenantId);
  const files = exportPaths(options.dir);
  const finished = await readJsonIfExists<ExportManifest>(files.manifest);
  if (finished) {
    assertSameExport(finished, options);
    return { itemCount: finished.itemCount, alreadyExported: finished.itemCount, alreadyComplete: true };
  }
  const checkpoint = await readJsonIfExists<ExportCheckpoint>(files.checkpoint);
  if (checkpoint) assertSameExport(checkpoint, options);
  const itemCount = await countTenantItems({ client: options.client, table: options.table, partitions });
  return { itemCount, alreadyExported: checkpoint?.count ?? 0, alreadyComplete: false };
}

export function exportPaths(dir: string) {
  return {
    items: path.join(dir, EXPORT_FILES.items),
    manifest: path.join(dir, EXPORT_FILES.manifest),
    checkpoint: path.join(dir, EXPORT_FILES.checkpoint),
  };
}

async function resumeOrStart(
  files: ReturnType<typeof exportPaths>,
  options: ExportOptions,
  now: () => Date,
): Promise<ExportCheckpoint> {
  const checkpoint = await readJsonIfExists<ExportCheckpoint>(files.checkpoint);
  if (checkpoint) {
    assertSameExport(checkpoint, options);
    const size = existsSync(files.items) ? (await stat(files.items)).size : 0;
    if (size < checkpoint.bytes) throw new Error(`${files.items} is shorter than its checkpoint says: it was changed; start over in an empty directory`);
    if (size > checkpoint.bytes) await truncate(files.items, checkpoint.bytes); // drop a page written after the last checkpoint
    return { ...checkpoint, resumptions: checkpoint.resumptions + 1 };
  }
  if (existsSync(files.items)) {
    throw new Error(`${files.items} exists without a checkpoint or manifest: choose an empty directory`);
  }
  const start: ExportCheckpoint = {
    tenant: options.tenantId,
    table: options.table,
    startedAt: now().toISOString(),
    resumptions: 0,
    pages: 0,
    count: 0,
    bytes: 0,
    nextKey: undefined,
  };
  await writeJsonAtomic(files.checkpoint, start);
  return start;
}

function assertSameExport(found: { tenant: string; table: string }, options: { tenantId: string; table: string; dir: string }): void {
  if (found.tenant !== options.tenantId || found.table !== options.table) {
    throw new Error(
      `${options.dir} holds an export of tenant ${found.tenant} from table ${found.table}, not of ${options.tenantId} from ${options.table}: choose another directory`,
    );
  }
}

const pages = (count: number) => `${count} page${count === 1 ? '' : 's'}`;
