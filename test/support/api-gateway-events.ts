import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export interface EventParts {
  readonly method: string;
  /** The API Gateway resource template, e.g. /v1/enrich/{ip}. */
  readonly resource: string;
  /** The request path; defaults to the resource with path parameters filled in. */
  readonly path?: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string | string[]>;
  readonly headers?: Record<string, string>;
  /** A value is sent as JSON; a string is sent as it is. */
  readonly body?: unknown;
  /** null: no key (as if API Gateway let it through); default the tenant key used by the test. */
  readonly apiKeyId?: string | null;
  readonly sourceIp?: string;
  /**
   * The SigV4 caller API Gateway names on an IAM-authorized route (`requestContext.identity.userArn`).
   * Defaults to TEST_OPERATOR_ARN on /v1/operator/ routes (which are IAM-authorized: API Gateway always
   * names the caller there) and to none elsewhere; null leaves it out.
   */
  readonly userArn?: string | null;
}

export const TEST_OPERATOR_ARN = 'arn:aws:sts::123456789012:assumed-role/BreachOperator/ada';

export const TEST_SOURCE_IP = '198.51.100.7';

/**
 * A REST API Lambda proxy event as API Gateway sends it (shape of the AWS documentation's example
 * event), built independently of the local adapter so handler tests do not test the adapter with itself.
 */
export function proxyEvent(parts: EventParts): APIGatewayProxyEvent {
  const pathParameters = parts.pathParameters ?? null;
  const path =
    parts.path ??
    Object.entries(pathParameters ?? {}).reduce((p, [name, value]) => p.replace(`{${name}}`, encodeURIComponent(value)), parts.resource);
  const query = parts.query ?? {};
  const hasQuery = Object.keys(query).length > 0;
  const userArn = parts.userArn === undefined ? (parts.resource.startsWith('/v1/operator/') ? TEST_OPERATOR_ARN : null) : parts.userArn;
  const body = parts.body === undefined ? null : typeof parts.body === 'string' ? parts.body : JSON.stringify(parts.body);
  const headers: Record<string, string> = {
    Host: 'abc123.execute-api.eu-central-1.amazonaws.com',
    'User-Agent': 'vitest',
    ...(body !== null ? { 'Content-Type': 'application/json' } : {}),
    ...parts.headers,
  };
  return {
    resource: parts.resource,
    path,
    httpMethod: parts.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: hasQuery ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v.at(-1)! : v])) : null,
    multiValueQueryStringParameters: hasQuery ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])) : null,
    pathParameters,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: parts.method,
      path: `/live${path}`,
      stage: 'live',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'res123',
      resourcePath: parts.resource,
      identity: {
        accessKey: null,
        accountId: userArn === null ? null : '123456789012',
        apiKey: parts.apiKeyId ? 'redacted-key-value' : null,
        apiKeyId: parts.apiKeyId === undefined ? 'key-tenant-a' : parts.apiKeyId,
        caller: userArn === null ? null : 'AROAEXAMPLEOPERATOR:ada',
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: parts.sourceIp ?? TEST_SOURCE_IP,
        user: null,
        userAgent: 'vitest',
        userArn,
      },
    },
  };
}

export function lambdaContext(functionName = 'test-function'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-central-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The parsed JSON body of a function result, with its status for assertions. */
export function jsonOf(result: APIGatewayProxyResult): { status: number; body: any } {
  return { status: result.statusCode, body: JSON.parse(result.body) };
}

/** The two tenants every multi-tenant test uses, as TENANT_API_KEYS maps them. */
export const TEST_TENANT_KEYS = { 'key-tenant-a': 'tenant-a', 'key-tenant-b': 'tenant-b' } as const;
/** The tenants' data-subject-rights keys: the only keys the visitor-data routes accept. */
export const TEST_RIGHTS_KEYS = { 'rights-key-tenant-a': 'tenant-a', 'rights-key-tenant-b': 'tenant-b' } as const;
