import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { VISITS_TABLE } from '../../lambdas/shared/visits/table-schema.js';
import { deleteKeys } from './batch-delete.js';
import { keyOfExportLine, type ItemKey } from './export-lines.js';
import { exportPaths, type ExportManifest } from './export-tenant.js';
import { linesOf, readJsonIfExists, sha256OfFile, writeJsonAtomic } from './files.js';
import { tenantPartitions } from './tenant-partition.js';
import { countTenantItems, queryTenantPage } from './tenant-queries.js';

export interface DeleteOptions {
  readonly client: DynamoDBClient;
  readonly table: string;
  readonly tenantId: string;
  /** Keys per page (and per checkpoint). @default 500 */
  readonly pageSize?: number;
  /** Stops after the current page; re-running resumes. */
  readonly signal?: AbortSignal;
  readonly progress?: (message: string) => void;
  readonly afterPage?: (state: { readonly pages: number; readonly deleteRequests: number }) => void;
}

export interface DeleteResult {
  /** interrupted: stopped by the signal; items-remain: deleted, but the final count found items (written meanwhile). */
  readonly status: 'complete' | 'interrupted' | 'items-remain';
  /** Delete requests sent in this run (deleting an already deleted key counts too). */
  readonly deleteRequests: number;
  /** Items of the tenant left in the table, by a strongly consistent count after the deletion. */
  readonly remaining: number | undefined;
}

/**
 * Deletes every item in the tenant's partitions, page by page, then counts what is left. Needs no
 * checkpoint: deleted items are gone, so re-running after an interruption continues with the rest.
 */
export async function deleteTenantPartition(options: DeleteOptions): Promise<DeleteResult> {
  const query = { client: options.client, table: options.table, partitions: tenantPartitions(options.tenantId) };
  let pages = 0;
  let deleteRequests = 0;
  let startKey: ItemKey | undefined;
  do {
    if (options.signal?.aborted) return { status: 'interrupted', deleteRequests, remaining: undefined };
    const page = await queryTenantPage(query, { startKey, pageSize: options.pageSize ?? 500, keysOnly: true });
    await deleteKeys(page.items, { client: options.client, table: options.table, partitions: query.partitions });
    startKey = page.nextKey;
    pages++;
    deleteRequests += page.items.length;
    options.progress?.(`delete ${options.tenantId}: ${deleteRequests} items deleted`);
    options.afterPage?.({ pages, deleteRequests });
  } while (startKey);
  return verified(deleteRequests, await countTenantItems(query));
}

/** Progress through an export's lines; belongs to the export with this checksum. */
interface DeleteCheckpoint {
  readonly tenant: string;
  readonly sha256: string;
  readonly linesDone: number;
}

const DELETE_CHECKPOINT = '.delete-checkpoint.json';

/**
 * Deletes exactly the items of a completed export (after checking its checksum, count and that every
 * line belongs to the tenant), then counts what is left of the tenant. Items written after the export
 * are not deleted — they were never handed over — and show up as `items-remain`. Resumable: a
 * checkpoint in the export directory records how many lines are done.
 */
export async function deleteExportedItems(options: DeleteOptions & { readonly dir: string }): Promise<DeleteResult> {
  const partitions = tenantPartitions(options.tenantId);
  const manifest = await verifyExport(options.dir, options.tenantId, options.table);
  const checkpointFile = path.join(options.dir, DELETE_CHECKPOINT);
  const checkpoint = await readJsonIfExists<DeleteCheckpoint>(checkpointFile);
  const resumeAfter = checkpoint?.sha256 === manifest.sha256 ? checkpoint.linesDone : 0;
  if (resumeAfter > 0) options.progress?.(`delete ${options.tenantId}: resuming after ${resumeAfter} of ${manifest.itemCount} items`);

  const pageSize = options.pageSize ?? 500;
  let line = 0;
  let pages = 0;
  let deleteRequests = 0;
  let keys: ItemKey[] = [];
  const flush = async () => {
    await deleteKeys(keys, { client: options.client, table: options.table, partitions });
    deleteRequests += keys.length;
    keys = [];
    pages++;
    await writeJsonAtomic(checkpointFile, { tenant: options.tenantId, sha256: manifest.sha256, linesDone: line } satisfies DeleteCheckpoint);
    options.progress?.(`delete ${options.tenantId}: ${line} of ${manifest.itemCount} exported items deleted`);
    options.afterPage?.({ pages, deleteRequests });
  };
  for await (const text of linesOf(path.join(options.dir, manifest.file))) {
    line++;
    if (line <= resumeAfter) continue;
    keys.push(keyOfExportLine(text));
    if (keys.length === pageSize) {
      await flush();
      if (options.signal?.aborted) return { status: 'interrupted', deleteRequests, remaining: undefined };
    }
  }
  if (keys.length > 0) await flush();
  await rm(checkpointFile, { force: true });
  return verified(deleteRequests, await countTenantItems({ client: options.client, table: options.table, partitions }));
}

/**
 * Checks that a directory holds a complete, unaltered export of this tenant: manifest present, the
 * file's SHA-256 and line count as recorded, and every line in one of the tenant's partitions.
 */
export async function verifyExport(dir: string, tenantId: string, table: string): Promise<ExportManifest> {
  const partitions = tenantPartitions(tenantId);
  const files = exportPaths(dir);
  const manifest = await readJsonIfExists<ExportManifest>(files.manifest);
  if (!manifest) throw new Error(`${dir} holds no complete export (no ${path.basename(files.manifest)}): export first`);
  if (manifest.tenant !== tenantId || manifest.table !== table) {
    throw new Error(`${dir} holds an export of tenant ${manifest.tenant} from table ${manifest.table}, not of ${tenantId} from ${table}`);
  }
  const sha256 = await sha256OfFile(files.items);
  if (sha256 !== manifest.sha256) throw new Error(`${files.items} does not match its manifest checksum: it was changed after the export`);
  let lines = 0;
  for await (const text of linesOf(files.items)) {
    lines++;
    if (!partitions.includes(keyOfExportLine(text)[VISITS_TABLE.partitionKey]?.S ?? '')) throw new Error(`line ${lines} of ${files.items} is not an item of tenant ${tenantId}`);
  }
  if (lines !== manifest.itemCount) throw new Error(`${files.items} has ${lines} lines, its manifest says ${manifest.itemCount}`);
  return manifest;
}

function verified(deleteRequests: number, remaining: number): DeleteResult {
  return { status: remaining === 0 ? 'complete' : 'items-remain', deleteRequests, remaining };
}
