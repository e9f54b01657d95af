import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with a request instead of (or after) passing it on:
 *   throttle       answers 400 ProvisionedThroughputExceededException, as DynamoDB does over a partition's or table's capacity
 *   error          answers 500 InternalServerError, as DynamoDB does on an internal failure
 *   applied-error  passes the request on (it is applied) and answers 500 anyway: a lost answer
 */
export type Fault = 'throttle' | 'error' | 'applied-error';

export interface FaultPolicy {
  /** Chance per request of each fault, applied to operations matching `operations`. */
  readonly rates?: Partial<Record<Fault, number>>;
  /** DynamoDB operations the faults apply to (e.g. PutItem). @default every operation */
  readonly operations?: readonly string[];
  /** Random source in [0, 1) (tests pass a seeded one). @default Math.random */
  readonly random?: () => number;
}

export interface FaultCounts {
  forwarded: number;
  throttle: number;
  error: number;
  'applied-error': number;
}

export interface DynamoDbFaultProxy {
  /** http://127.0.0.1:<port>: point the SDK's endpoint here. */
  readonly endpoint: string;
  readonly counts: FaultCounts;
  /** The next `count` matching requests get `fault`, before the random rates apply. */
  failNext(fault: Fault, count?: number): void;
  setPolicy(policy: FaultPolicy): void;
  stop(): Promise<void>;
}

const ERROR_TYPES: Record<Exclude<Fault, 'applied-error'>, { status: number; type: string; message: string }> = {
  throttle: { status: 400, type: 'ProvisionedThroughputExceededException', message: 'The level of configured provisioned throughput for the table was exceeded.' },
  error: { status: 500, type: 'InternalServerError', message: 'Internal server error (injected by the fault proxy).' },
};

/**
 * A small HTTP proxy on 127.0.0.1 in front of DynamoDB Local that answers some requests with the
 * errors real DynamoDB gives under load, so the API's answer to throttling and failures can be seen
 * end to end with the real SDK (its retries included). DynamoDB Local itself never throttles.
 */
export async function startDynamoDbFaultProxy(target: string, policy: FaultPolicy = {}): Promise<DynamoDbFaultProxy> {
  const targetUrl = new URL(target);
  let current = policy;
  const queued: Fault[] = [];
  const counts: FaultCounts = { forwarded: 0, throttle: 0, error: 0, 'applied-error': 0 };

  const chooseFault = (operation: string): Fault | undefined => {
    if (current.operations && !current.operations.includes(operation)) return undefined;
    if (queued.length > 0) return queued.shift();
    const draw = (current.random ?? Math.random)();
    let threshold = 0;
    for (const fault of ['throttle', 'error', 'applied-error'] as const) {
      threshold += current.rates?.[fault] ?? 0;
      if (draw < threshold) return fault;
    }
    return undefined;
  };

  const forward = (incoming: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const outgoing = httpRequest(
        { host: targetUrl.hostname, port: targetUrl.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const answerError = (response: ServerResponse, fault: Exclude<Fault, 'applied-error'>) => {
    const { status, type, message } = ERROR_TYPES[fault];
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type });
    response.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }));
  };

  const handle = async (incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const operation = String(incoming.headers['x-amz-target'] ?? '').split('.').at(-1) ?? '';
    const fault = chooseFault(operation);
    if (fault === 'throttle' || fault === 'error') {
      counts[fault]++;
      answerError(response, fault);
      return;
    }
    const answer = await forward(incoming, body);
    if (fault === 'applied-error') {
      counts[fault]++;
      answerError(response, 'error');
      return;
    }
    counts.forwarded++;
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  };

  const server: Server = createServer((incoming, response) => {
    handle(incoming, response).catch(() => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    failNext: (fault, count = 1) => queued.push(...Array<Fault>(count).fill(fault)),
    setPolicy: (next) => {
      current = next;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
