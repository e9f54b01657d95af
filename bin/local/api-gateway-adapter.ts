import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ApiRoute, RouteThrottle } from '../../lib/api/routes.js';
import { errorResponse } from '../../lambdas/shared/http/responses.js';
import { Throttles } from './throttle.js';

/** A Lambda handler as API Gateway's proxy integration calls it. */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** A route of the manifest with the function that serves it locally; no handler: not served locally (IAM routes). */
export interface LocalRoute {
  readonly route: ApiRoute;
  readonly handler?: ProxyHandler;
  /**
   * Local only: the source address a request from this machine (loopback) is given, because loopback
   * is no public address and the collector records nothing for it. API Gateway sets sourceIp from the
   * connection itself; nothing in the deployed stack can set this.
   */
  readonly loopbackSourceIp?: string;
}

export interface ApiGatewayAdapterOptions {
  readonly routes: readonly LocalRoute[];
  /** API key value (what clients send in x-api-key) → API Gateway key id (what the functions see). */
  readonly apiKeyIds: ReadonlyMap<string, string>;
  /** API Gateway key id → its usage plan's throttle (rate and burst per tenant, from the configuration). @default none */
  readonly usagePlanThrottles?: ReadonlyMap<string, RouteThrottle>;
  /** Milliseconds on a monotonic clock, for the throttles. @default performance.now */
  readonly now?: () => number;
  readonly stage?: string;
  /** API Gateway's own payload limit is 10 MB; a local server needs far less. @default 1 MiB */
  readonly maxBodyBytes?: number;
}

/**
 * What API Gateway (REST API, Lambda proxy integration) does in front of the functions, for the local
 * server and tests, route by route as the manifest (lib/api/routes.ts) declares them: match method and
 * resource template (anything else is 404, as the gateway's MISSING_AUTHENTICATION_TOKEN answer is
 * mapped), refuse a missing or unknown x-api-key on API key routes with 403, throttle (429) by the
 * tenant's usage plan and the route's own limit, build the proxy event (resource, pathParameters,
 * query, headers, identity.sourceIp and identity.apiKeyId) and write the function's result back as
 * the HTTP answer. Whatever a client sends or does, it gets an answer and the server keeps running.
 */
export function apiGatewayAdapter(options: ApiGatewayAdapterOptions): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const stage = options.stage ?? 'local';
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const templates = options.routes.map((local) => ({ local, pattern: templatePattern(local.route.path) }));
  const throttles = new Throttles(options.now ?? (() => performance.now()));

  const answer = async (request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> => {
    const url = URL.canParse(request.url ?? '/', 'http://localhost') ? new URL(request.url ?? '/', 'http://localhost') : undefined;
    if (!url) return send(response, requestId, errorResponse(400, 'BAD_REQUEST', 'The request target is not a valid URL.'));
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
    const admitted =
      throttles.admit(`route ${route.method} ${route.path}`, route.throttle) &&
      (apiKeyId === undefined || throttles.admit(`key ${apiKeyId}`, options.usagePlanThrottles?.get(apiKeyId)));
    if (!admitted) return send(response, requestId, errorResponse(429, 'THROTTLED', 'Too Many Requests'));

    const body = await readBody(request, maxBodyBytes);
    if (body === undefined) return send(response, requestId, errorResponse(413, 'PAYLOAD_TOO_LARGE', 'Request Too Long'));

    const pathParameters = Object.fromEntries(Object.entries(match.found!.groups ?? {}).map(([name, value]) => [name, decodePathSegment(value)]));
    const key = apiKeyId === undefined ? null : { apiKey: apiKey as string, apiKeyId };
    const event = proxyEvent({ request, url, body, stage, requestId, key, resource: route.path, pathParameters });
    if (match.local.loopbackSourceIp !== undefined && isLoopback(event.requestContext.identity.sourceIp)) {
      event.requestContext.identity.sourceIp = match.local.loopbackSourceIp;
    }
    try {
      return send(response, requestId, await handler(event, lambdaContext(route.function, requestId)));
    } catch {
      // A function that throws past its middleware is a 502 at API Gateway; the function logged it.
      return send(response, requestId, errorResponse(502, 'INTERNAL_ERROR', 'Internal server error'));
    }
  };

  return async (request, response) => {
    const requestId = randomUUID();
    try {
      await answer(request, response, requestId);
    } catch (error) {
      // A client that goes away mid-body can no longer be answered; anything else is the adapter's fault.
      if (request.readableAborted || response.destroyed) return void response.destroy();
      if (response.headersSent) return void response.destroy(error as Error);
      send(response, requestId, errorResponse(500, 'INTERNAL_ERROR', 'Internal server error'));
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
  // Names are client text: `__proto__` or `toString` must be plain keys, not the prototype's members.
  const headers: Record<string, string> = Object.create(null);
  const multiValueHeaders: Record<string, string[]> = Object.create(null);
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const [name, value] = [request.rawHeaders[i]!, request.rawHeaders[i + 1]!];
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = Object.create(null);
  const multiQuery: Record<string, string[]> = Object.create(null);
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

function isLoopback(address: string): boolean {
  return address === '::1' || /^127\./.test(address);
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
