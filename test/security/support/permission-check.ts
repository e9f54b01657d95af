import { decide, type Decision, type Principal } from '../../breach/support/iam-decision.js';
import type { Grant, ResourceRef } from '../function-permissions.js';
import { KMS_VIA_SERVICES, resourceTypesOf, viaServiceContext, type PermissionRequest } from './request-universe.js';
import { ELSEWHERE, type CatalogResource } from './stack-resources.js';

/** `*` within one path segment, `**` across segments (construct paths); `*` across everything (parts: object keys contain `/`). */
function pathPattern(glob: string): RegExp {
  const source = glob
    .split('**')
    .map((piece) => piece.split('*').map(escapeRegExp).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${source}$`);
}
const partPattern = (glob: string) => new RegExp(`^${glob.split('*').map(escapeRegExp).join('.*')}$`);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** IAM's `*` wildcard in an action or resource of a policy (`?` is not used in this app's policies). */
export const wildcardMatches = (pattern: string, text: string) => partPattern(pattern).test(text);

export function refMatches(ref: ResourceRef, resource: CatalogResource): boolean {
  if (!pathPattern(ref.path).test(resource.path)) return false;
  if (ref.andParts) return true;
  if (ref.part === undefined) return resource.part === undefined;
  return resource.part !== undefined && partPattern(ref.part).test(resource.part);
}

/** Catalog resources a reference names that the action applies to (an action with no resource type applies to `*` only). */
export async function resourcesFor(action: string, ref: ResourceRef, catalog: readonly CatalogResource[]): Promise<CatalogResource[]> {
  const service = action.split(':')[0];
  const types = await resourceTypesOf(action);
  return catalog.filter((resource) => resource.service === service && types.has(resource.type) && refMatches(ref, resource));
}

const sameAction = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Whether a grant of the table covers a request (its action, resource and, for a via grant, the request's kms:ViaService). */
export function grantCovers(grant: Grant, request: PermissionRequest, region: string): boolean {
  if (!grant.actions.some((action) => sameAction(action, request.action))) return false;
  if (!refMatches(grant.on, request.resource)) return false;
  if (grant.via === undefined) return true;
  return request.context['kms:ViaService'] === viaServiceContext(grant.via, region)['kms:ViaService'];
}

/** Every request context worth asking for an action: KMS actions also through each service that encrypts with a key. */
export function contextsFor(action: string, region: string): Record<string, string>[] {
  return action.startsWith('kms:') ? [{}, ...KMS_VIA_SERVICES.map((via) => viaServiceContext(via, region))] : [{}];
}

/**
 * The evaluator's decision on a request, with the resource's own policy. A stand-in resource outside
 * the stack whose ARN fits several resource types of the action (Lambda aliases and versions look
 * alike) cannot be decided and is reported as such; anywhere else that is an error.
 */
export async function decideRequest(principal: Principal, request: PermissionRequest, account: string): Promise<Decision | 'Undecidable'> {
  try {
    return await decide(principal, { action: request.action, resource: request.resource.arn, resourcePolicy: request.resource.policy, context: request.context }, account);
  } catch (error) {
    if (request.resource.path === ELSEWHERE && String(error).includes('multiple.resource.types')) return 'Undecidable';
    throw error;
  }
}

/**
 * Whether any Allow statement of the principal's policies or of the resource's own policy names the
 * action (a NotAction statement names every action). IAM allows nothing no statement allows, so a
 * request failing this is implicitly denied without asking the evaluator.
 */
export function anyAllowNames(principal: Principal, request: PermissionRequest): boolean {
  const statements = [...principal.policies.map((p) => p.policy), request.resource.policy]
    .filter(Boolean)
    .flatMap((policy: any) => [policy.Statement].flat())
    .filter((statement: any) => statement.Effect === 'Allow');
  return statements.some((statement: any) => {
    if (statement.NotAction !== undefined) return true;
    return [statement.Action].flat().some((pattern: string) => wildcardMatches(pattern.toLowerCase(), request.action.toLowerCase()));
  });
}

export const describeRequest = (request: PermissionRequest) =>
  `${request.action} on ${request.resource.path}${request.resource.part ? ` (${request.resource.part})` : ''}${request.context['kms:ViaService'] ? ` via ${request.context['kms:ViaService']}` : ''}`;
