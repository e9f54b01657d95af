import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ApiRoute } from '../../lib/api/routes.js';
import { errorResponse } from '../../lambdas/shared/http/responses.js';

/** A Lambda handler as API Gateway's proxy integration calls it. */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** A route of the manifest with the function that serves it locally; no handler: not served locally (IAM routes). */
export interface LocalRoute {
  readonly route: ApiRoute;
  readonly handler?: ProxyHandler;
}

export interface ApiGatewayAdapterOptions {
  readonly routes: readonly LocalRoute[];
  /** API key value (what clients send in x-api-key) → API Gateway key id (what the functions see). */
  readonly apiKeyIds: ReadonlyMap<string, string>;
  readonly stage?: string;
  /** API Gateway's own payload limit is 10 MB; a local server needs far less. @default 1 MiB */
  readonly maxBodyBytes?: number;
}

/**
 * What API Gateway (REST API, Lambda proxy integration) does in front of the functions, for the local
 * server and tests, route by route as the manifest (lib/api/routes.ts) declares them: match method and
 * resource template (anything else is 404, as the gateway's MISSING_AUTHENTICATION_TOKEN answer is
 * mapped), refuse a missing or unknown x-api-key on API key routes with 403, build the proxy event
 * (resource, pathParameters, query, headers, identity.sourceIp and identity.apiKeyId) and write the
 * function's result back as the HTTP answer.
 */
export function apiGatewayAdapter(options: ApiGatewayAdapterOptions): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const stage = options.stage ?? 'local';
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const templates = options.routes.map((local) => ({ local, pattern: templatePattern(local.route.path) }));

  return async (request, response) => {
    const requestId = randomUUID();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = templates
      .filter(({ local }) => local.route.method === request.method)
      .map(({ local, pattern }) => ({ local, found: pattern.exec(url.pathname) }))
      .find((candidate) => candidate.found !== null);
    if (!match) return send(response, requestId, errorResponse(404, 'NOT_FOUND', 'No such route.'));
    const { route, handler } = match.local;
    if (!handler) {
      return send(response, requestId, errorResponse(403, 'ACCESS_DENIED', 'This operator route needs an AWS SigV4 signature; the local server does not serve it.'));
    }

    const keyRequired = route.authorisation === 'apiKey';
    const apiKey = request.headers['x-api-key'];
    const apiKeyId = keyRequired && typeof apiKey === 'string' ? options.apiKeyIds.get(apiKey) : undefined;
    if (keyRequired && !apiKeyId) return send(response, requestId, errorResponse(403, 'INVALID_API_KEY', 'Forbidden'));

    const body = await readBody(request, maxBodyBytes);
    if (body === undefined) return send(response, requestId, errorResponse(413, 'PAYLOAD_TOO_LARGE', 'Request Too Long'));

    const pathParameters = Object.fromEntries(Object.entries(match.found!.groups ?? {}).map(([name, value]) => [name, decodePathSegment(value)]));
    const key = apiKeyId === undefined ? null : { apiKey: apiKey as string, apiKeyId };
    const event = proxyEvent({ request, url, body, stage, requestId, key, resource: route.path, pathParameters });
    try {
      return send(response, requestId, await handler(event, lambdaContext(route.function, requestId)));
    } catch {
      // A function that throws past its middleware is a 502 at API Gateway; the function logged it.
      return send(response, requestId, errorResponse(502, 'INTERNAL_ERROR', 'Internal server error'));
    }
  };
}

interface EventParts {
  readonly request: IncomingMessage;
  readonly url: URL;
  readonly body: string;
  readonly stage: string;
  readonly requestId: string;
  /** The caller's usage plan key; null on a public route. */
  readonly key: { readonly apiKey: string; readonly apiKeyId: string } | null;
  readonly resource: string;
  readonly pathParameters: Record<string, string>;
}

function proxyEvent(parts: EventParts): APIGatewayProxyEvent {
  const { request, url, resource } = parts;
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const [name, value] = [request.rawHeaders[i]!, request.rawHeaders[i + 1]!];
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  const hasPathParameters = Object.keys(parts.pathParameters).length > 0;
  const sourceIp = (request.socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  const method = request.method ?? 'GET';
  return {
    resource,
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: hasPathParameters ? parts.pathParameters : null,
    stageVariables: null,
    body: parts.body === '' ? null : parts.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: method,
      path: `/${parts.stage}${url.pathname}`,
      stage: parts.stage,
      requestId: parts.requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: resource,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: parts.key?.apiKey ?? null,
        apiKeyId: parts.key?.apiKeyId ?? null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: null,
        userAgent: request.headers['user-agent'] ?? null,
        userArn: null,
      },
    },
  };
}

/** Path template → regex with one named group per {parameter}; a parameter is one non-empty segment. */
function templatePattern(resource: string): RegExp {
  const source = resource
    .split('/')
    .map((segment) => {
      const parameter = /^\{(\w+)\}$/.exec(segment)?.[1];
      return parameter ? `(?<${parameter}>[^/]+)` : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

/** REST APIs hand the function a percent-encoded `path` but decoded path parameters. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The body as text, or undefined when it is over the limit (read to the end all the same, so the client gets the answer). */
async function readBody(request: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= maxBytes) chunks.push(chunk);
  }
  return size > maxBytes ? undefined : Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, requestId: string, result: APIGatewayProxyResult): void {
  response.statusCode = result.statusCode;
  for (const [name, value] of Object.entries(result.headers ?? {})) response.setHeader(name, String(value));
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) response.setHeader(name, values.map(String));
  response.setHeader('x-amzn-requestid', requestId);
  response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

function lambdaContext(functionName: string, awsRequestId: string): Context {
  const deadline = Date.now() + 10_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-central-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
