import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoDbClient } from './local-aws.js';

export interface DynamoDbLocal {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Keep the data in this directory; in memory when absent. */
  readonly dbPath?: string;
  /** @default 30 s — the JVM's first start on a cold machine is the slow part */
  readonly startTimeoutMs?: number;
}

/**
 * Starts Amazon DynamoDB Local (the jar shipped in the amplify-dynamodb-simulator package) with the
 * machine's Java on a free port, waits until it answers, and stops it on stop() or when this process
 * exits. -sharedDb: every client sees the same tables whatever its fake credentials or region;
 * -disableTelemetry (and DDB_LOCAL_TELEMETRY=0): nothing leaves the machine.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const emulatorDir = path.join(path.dirname(createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
  const port = await freePort();
  const storage = options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory'];
  const java = spawn(
    'java',
    ['-Djava.library.path=./DynamoDBLocal_lib', '-jar', 'DynamoDBLocal.jar', '-port', String(port), '-sharedDb', '-disableTelemetry', ...storage],
    { cwd: emulatorDir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' } },
  );
  const output: string[] = [];
  java.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  java.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const killOnExit = () => java.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await terminate(java);
  };
  try {
    await waitUntilReady(endpoint, java, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await stop();
    throw new Error(`DynamoDB Local did not start: ${(error as Error).message}\n${output.join('').slice(-2000)}`, { cause: error });
  }
  return { endpoint, stop };
}

async function waitUntilReady(endpoint: string, java: ChildProcess, timeoutMs: number): Promise<void> {
  const client = localDynamoDbClient(endpoint);
  const spawnError = new Promise<never>((_, reject) => {
    java.once('error', (error) => reject(new Error(`cannot run java (${error.message}); install a Java runtime (Debian: default-jre-headless)`)));
    java.once('exit', (code) => reject(new Error(`java exited with code ${code}`)));
  });
  spawnError.catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await Promise.race([client.send(new ListTablesCommand({ Limit: 1 })), spawnError]);
        return;
      } catch (error) {
        if (java.exitCode !== null || (error as Error).message.startsWith('cannot run java')) throw error;
        if (Date.now() > deadline) throw new Error(`no answer within ${timeoutMs} ms`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  } finally {
    client.destroy();
  }
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A port the OS reports free on the loopback interface (taken again by Java a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
