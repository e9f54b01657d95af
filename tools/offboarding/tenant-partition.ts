import { TENANT_ID_PATTERN } from '../../lambdas/shared/tenants/tenant-id.js';
import { tenantPartitionKey } from '../../lambdas/shared/visits/table-schema.js';

export class InvalidTenantIdError extends Error {
  constructor(tenantId: string) {
    super(`invalid tenant id ${JSON.stringify(tenantId)}: 1–32 lower-case letters, digits or inner dashes`);
    this.name = 'InvalidTenantIdError';
  }
}

/**
 * The partition key holding every item of one tenant, built only from a validated tenant id: ids
 * cannot contain the key separator `#`, so one tenant's partition can never name another's.
 */
export function tenantPartition(tenantId: string): string {
  if (!TENANT_ID_PATTERN.test(tenantId)) throw new InvalidTenantIdError(tenantId);
  return tenantPartitionKey(tenantId);
}
