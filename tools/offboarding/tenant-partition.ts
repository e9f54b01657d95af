import { TENANT_ID_PATTERN } from '../../lambdas/shared/tenants/tenant-id.js';
import { allTenantPartitionKeys } from '../../lambdas/shared/visits/table-schema.js';

export class InvalidTenantIdError extends Error {
  constructor(tenantId: string) {
    super(`invalid tenant id ${JSON.stringify(tenantId)}: 1–32 lower-case letters, digits or inner dashes`);
    this.name = 'InvalidTenantIdError';
  }
}

/**
 * Every partition key that can hold an item of one tenant — the unsharded layout and every shard up to
 * MAX_VISIT_SHARDS, whatever the deployment configures, so nothing is missed after a change of the shard
 * count — built only from a validated tenant id: ids cannot contain the key separator `#`, so one
 * tenant's partitions can never name another's.
 */
export function tenantPartitions(tenantId: string): string[] {
  if (!TENANT_ID_PATTERN.test(tenantId)) throw new InvalidTenantIdError(tenantId);
  return allTenantPartitionKeys(tenantId);
}
