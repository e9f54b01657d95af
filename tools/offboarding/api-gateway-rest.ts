import { SignatureV4 } from '@smithy/signature-v4';
import type { CredentialSource } from '../breach/signed-request.js';
import { NodeSha256 } from '../breach/node-sha256.js';
import type { ApiGatewayPort } from './tenant-resources.js';

/** One element of a paged API Gateway answer (`item`): a usage plan or an API key, the fields used here. */
interface Item {
  readonly id: string;
  readonly name?: string;
  readonly apiStages?: ReadonlyArray<{ readonly apiId: string; readonly stage: string }>;
}
interface Page {
  readonly item?: Item[];
  readonly position?: string;
}

/**
 * ApiGatewayPort over API Gateway's REST management API (apigateway.<region>.amazonaws.com), each call
 * signed with SigV4: the project has no API Gateway SDK client. A 404 on a delete means already done.
 */
export function apiGatewayRest(options: { region: string; credentials: CredentialSource; endpoint?: string }): ApiGatewayPort {
  const base = new URL(options.endpoint ?? `https://apigateway.${options.region}.amazonaws.com`);
  const signer = new SignatureV4({ service: 'apigateway', region: options.region, credentials: options.credentials, sha256: NodeSha256 });

  async function call(method: string, path: string, body?: unknown, query: Record<string, string> = {}): Promise<Page | undefined> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const signed = await signer.sign({
      method,
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port ? Number(base.port) : undefined,
      path,
      query,
      headers: { host: base.host, accept: 'application/json', ...(payload ? { 'content-type': 'application/json' } : {}) },
      body: payload,
    });
    const { host: _host, ...headers } = signed.headers;
    const url = new URL(path, base);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const response = await fetch(url, { method, headers, body: payload });
    if (response.status === 404 && method === 'DELETE') return undefined;
    const text = await response.text();
    if (!response.ok) throw new Error(`API Gateway ${method} ${path} answered ${response.status}: ${text.slice(0, 200)}`);
    return text === '' ? undefined : (JSON.parse(text) as Page);
  }

  async function all(path: string): Promise<Item[]> {
    const items: Item[] = [];
    let position: string | undefined;
    do {
      const page = await call('GET', path, undefined, { limit: '500', ...(position ? { position } : {}) });
      items.push(...(page?.item ?? []));
      position = page?.position;
    } while (position);
    return items;
  }

  return {
    async findUsagePlan(name) {
      const plan = (await all('/usageplans')).find((item) => item.name === name);
      return plan && { id: String(plan.id), apiStages: (plan.apiStages ?? []).map((s) => ({ apiId: String(s.apiId), stage: String(s.stage) })) };
    },
    usagePlanKeyIds: async (planId) => (await all(`/usageplans/${encodeURIComponent(planId)}/keys`)).map((key) => String(key.id)),
    disableApiKey: async (keyId) => void (await call('PATCH', `/apikeys/${encodeURIComponent(keyId)}`, { patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] })),
    removeKeyFromPlan: async (planId, keyId) => void (await call('DELETE', `/usageplans/${encodeURIComponent(planId)}/keys/${encodeURIComponent(keyId)}`)),
    deleteApiKey: async (keyId) => void (await call('DELETE', `/apikeys/${encodeURIComponent(keyId)}`)),
    detachStages: async (planId, apiStages) =>
      void (await call('PATCH', `/usageplans/${encodeURIComponent(planId)}`, {
        patchOperations: apiStages.map((s) => ({ op: 'remove', path: '/apiStages', value: `${s.apiId}:${s.stage}` })),
      })),
    deleteUsagePlan: async (planId) => void (await call('DELETE', `/usageplans/${encodeURIComponent(planId)}`)),
  };
}
