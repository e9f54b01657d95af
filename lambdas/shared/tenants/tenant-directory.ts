import type { APIGatewayProxyEvent } from 'aws-lambda';
import { jsonObjectEntries } from '../config/json-object-env.js';
import { HttpError } from '../http/http-error.js';
import { TENANT_ID_PATTERN } from './tenant-id.js';

/**
 * Maps the API Gateway key a request was made with to the tenant (controller) it belongs to. API
 * Gateway already refuses calls without a valid key; this refuses them again, so a misrouted or
 * unmapped call can never reach any tenant's data.
 */
export class TenantDirectory {
  private readonly byApiKeyId: ReadonlyMap<string, string>;

  /** @param unassignedKey what a caller with any other key is told (e.g. which kind of key the route needs) */
  constructor(
    byApiKeyId: ReadonlyMap<string, string>,
    private readonly unassignedKey = 'The API key is not assigned to any tenant.',
  ) {
    for (const tenantId of byApiKeyId.values()) {
      if (!TENANT_ID_PATTERN.test(tenantId)) throw new Error(`tenant id ${JSON.stringify(tenantId)} is not a valid tenant id`);
    }
    this.byApiKeyId = byApiKeyId;
  }

  /**
   * Parses a JSON object { "<API Gateway apiKeyId>": "<tenantId>" } from the environment variable
   * `variable` (TENANT_API_KEYS: the integration keys; VISITOR_DATA_API_KEYS: the data-subject-rights keys).
   */
  static fromJson(json: string | undefined, variable = 'TENANT_API_KEYS', unassignedKey?: string): TenantDirectory {
    const entries = jsonObjectEntries(variable, json, { object: 'API key id → tenant id', entries: 'API key to a tenant' });
    for (const [, tenantId] of entries) if (typeof tenantId !== 'string') throw new Error(`${variable} values must be tenant ids`);
    return new TenantDirectory(new Map(entries as Array<[string, string]>), unassignedKey);
  }

  /** The calling tenant's id, or a 403 in the same shape and code API Gateway uses for a bad key. */
  tenantOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>): string {
    const apiKeyId = event.requestContext?.identity?.apiKeyId;
    if (!apiKeyId) throw new HttpError(403, 'INVALID_API_KEY', 'An API key is required: send it in the x-api-key header.');
    const tenantId = this.byApiKeyId.get(apiKeyId);
    if (!tenantId) throw new HttpError(403, 'INVALID_API_KEY', this.unassignedKey);
    return tenantId;
  }
}
