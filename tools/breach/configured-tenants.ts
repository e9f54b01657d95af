import { readFile } from 'node:fs/promises';
import { loadConfig } from '../../lib/config/load-config.js';

/**
 * The tenant ids of the deployment configuration in cdk.json, for a dry run to check affectedTenants
 * against; undefined when cdk.json is missing or invalid (the service checks them anyway).
 */
export async function configuredTenantIds(cdkJsonPath: URL): Promise<readonly string[] | undefined> {
  try {
    const { context = {} } = JSON.parse(await readFile(cdkJsonPath, 'utf8')) as { context?: Record<string, unknown> };
    return loadConfig({ tryGetContext: (key) => context[key] }, {}).tenants.map((tenant) => tenant.id);
  } catch {
    return undefined;
  }
}
