import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { deleteExportedItems, deleteTenantPartition, type DeleteResult } from './delete-tenant.js';
import { exportTenant, planExport, type ExportResult } from './export-tenant.js';
import { tenantPartitions } from './tenant-partition.js';
import { countTenantItems } from './tenant-queries.js';

export interface OffboardRequest {
  readonly tenantId: string;
  readonly table: string;
  /** Export the tenant's items into this directory. */
  readonly exportDir?: string;
  /** Delete the tenant's items (only the exported ones when exportDir is given too). */
  readonly delete: boolean;
  readonly dryRun: boolean;
  readonly pageSize?: number;
}

export interface OffboardDependencies {
  readonly client: DynamoDBClient;
  readonly signal?: AbortSignal;
  readonly progress?: (message: string) => void;
  readonly now?: () => Date;
}

export type PlannedExport = { readonly dryRun: true; readonly wouldExport: number; readonly alreadyExported: number; readonly alreadyComplete: boolean };
export type PlannedDelete = { readonly dryRun: true; readonly wouldDelete: number };

/** The final report of counts (printed as JSON by the CLI; keep it as the record of the offboarding). */
export interface OffboardReport {
  readonly tenant: string;
  readonly table: string;
  readonly dryRun: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly export?: (ExportResult & { readonly directory: string }) | PlannedExport;
  readonly delete?: DeleteResult | PlannedDelete;
}

/** End of contract for one tenant: export, delete, or export then delete exactly what was exported. */
export async function offboard(request: OffboardRequest, deps: OffboardDependencies): Promise<OffboardReport> {
  const partitions = tenantPartitions(request.tenantId);
  if (request.exportDir === undefined && !request.delete) throw new Error('nothing to do: ask for an export, a deletion, or both');
  const now = deps.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const common = { client: deps.client, table: request.table, tenantId: request.tenantId, pageSize: request.pageSize, signal: deps.signal, progress: deps.progress };
  const report = (parts: Pick<OffboardReport, 'export' | 'delete'>): OffboardReport => ({
    tenant: request.tenantId,
    table: request.table,
    dryRun: request.dryRun,
    startedAt,
    ...parts,
    finishedAt: now().toISOString(),
  });

  if (request.dryRun) {
    const plan = request.exportDir === undefined ? undefined : await planExport({ ...common, dir: request.exportDir });
    const planned: PlannedExport | undefined = plan && { dryRun: true, wouldExport: plan.itemCount, alreadyExported: plan.alreadyExported, alreadyComplete: plan.alreadyComplete };
    const wouldDelete = plan?.itemCount ?? (request.delete ? await countTenantItems({ client: deps.client, table: request.table, partitions }) : 0);
    return report({ export: planned, delete: request.delete ? { dryRun: true, wouldDelete } : undefined });
  }

  if (request.exportDir === undefined) return report({ delete: await deleteTenantPartition(common) });

  const exported = { ...(await exportTenant({ ...common, dir: request.exportDir, now })), directory: request.exportDir };
  if (exported.status === 'interrupted' || !request.delete) return report({ export: exported });
  return report({ export: exported, delete: await deleteExportedItems({ ...common, dir: request.exportDir }) });
}
