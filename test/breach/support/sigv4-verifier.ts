import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface SignedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * Checks a request's AWS Signature Version 4 the way API Gateway's IAM authorization does, written
 * from the specification (not with the SDK signer under test). Returns the access key id that
 * signed it, or why the signature is not valid.
 */
export function verifySigV4(request: SignedRequest, secrets: Record<string, string>, expected: { region: string; service: string }): { accessKeyId: string } | { invalid: string } {
  const authorization = String(request.headers.authorization ?? '');
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!match) return { invalid: 'no SigV4 Authorization header' };
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match as unknown as string[];
  if (region !== expected.region || service !== expected.service) return { invalid: `scope ${region}/${service}` };
  const secret = secrets[accessKeyId!];
  if (!secret) return { invalid: `unknown access key ${accessKeyId}` };
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(date!)) return { invalid: 'x-amz-date does not match the credential scope' };

  const headerNames = signedHeaders!.split(';');
  if (!headerNames.includes('host')) return { invalid: 'host is not signed' };
  const canonicalHeaders = headerNames.map((name) => `${name}:${String(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const [path, query = ''] = request.path.split('?');
  const canonicalQuery = query
    .split('&')
    .filter(Boolean)
    .sort()
    .join('&');
  const canonicalRequest = [request.method, path, canonicalQuery, canonicalHeaders, signedHeaders, sha256(request.body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date!), region!), service!), 'aws4_request');
  const computed = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return computed === signature ? { accessKeyId: accessKeyId! } : { invalid: 'signature does not match' };
}
