import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from './node-sha256.js';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export type CredentialSource = AwsCredentials | (() => Promise<AwsCredentials>);

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** The region of an execute-api URL (`<id>.execute-api.<region>.amazonaws.com`), if it is one. */
export function regionOfApiUrl(url: URL): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1];
}

/**
 * POSTs JSON to an IAM-authorized API Gateway route, signed with SigV4 for `execute-api` (what
 * API Gateway checks before it lets the request reach the function).
 */
export async function postSignedJson(url: URL, body: unknown, credentials: CredentialSource, region: string): Promise<HttpAnswer> {
  const payload = JSON.stringify(body);
  const signer = new SignatureV4({ service: 'execute-api', region, credentials, sha256: NodeSha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { host: url.host, 'content-type': 'application/json' },
    body: payload,
  });
  const { host: _host, ...headers } = signed.headers; // fetch sets Host itself, to the same value
  const response = await fetch(url, { method: 'POST', headers, body: payload });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (e.g. a proxy's HTML error page): keep the text.
  }
  return { status: response.status, body: parsed };
}
