// Cold start: a fresh Node process (this machine's Node 24, the Lambda runtime's major) importing the
// bundled handler and answering its first request, against a bundled hello-world handler.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HELLO_WORLD, type LambdaBundle } from './support/lambda-bundles.js';
import { median } from './support/statistics.js';

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cold-start-runner.mjs');

export type ColdStartVariantName = 'hello-world' | 'enrich' | 'visits';

interface ColdStartRun {
  /** From spawning the process to its first response: what a request waiting on a cold start sees. */
  readonly wallMilliseconds: number;
  /** Node's own start, until the runner's first line. */
  readonly bootstrapMilliseconds: number;
  /** Importing the bundle: the module scope (Lambda's init phase). */
  readonly initMilliseconds: number;
  readonly firstInvokeMilliseconds: number;
  /**
   * CPU time of the whole process (all threads) until the response: unlike the wall time, hardly
   * affected by other work on the machine, and a Lambda sandbox runs nothing else.
   */
  readonly cpuMilliseconds: number;
  readonly rssAfterInitBytes: number;
  readonly maxRssBytes: number;
}

export type ColdStartFigures = ColdStartRun;

export interface ColdStart {
  readonly runs: number;
  readonly nodeVersion: string;
  readonly variants: Readonly<Record<ColdStartVariantName, ColdStartFigures>>;
}

export interface ColdStartOptions {
  readonly bundles: readonly LambdaBundle[];
  readonly handlerEnvironment: Readonly<Record<string, string>>;
  /** The first request of each function: GET /v1/enrich/{ip}; POST /v1/visits of an organisation's visitor. */
  readonly events: { readonly enrich: APIGatewayProxyEvent; readonly visits: APIGatewayProxyEvent };
  readonly runs?: number;
  readonly warmup?: number;
}

function coldStartOnce(bundleFile: string, event: APIGatewayProxyEvent, expectedStatus: number, env: Readonly<Record<string, string>>): Promise<ColdStartRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // --enable-source-maps: the functions run with NODE_OPTIONS=--enable-source-maps (api-function.ts).
    const child = spawn(process.execPath, ['--enable-source-maps', RUNNER, bundleFile, JSON.stringify(event)], {
      env: { ...env },
      stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
    });
    let report = '';
    let wallMilliseconds: number | undefined;
    (child.stdio[3] as Readable).on('data', (chunk: Buffer) => {
      wallMilliseconds ??= performance.now() - started;
      report += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0 || wallMilliseconds === undefined) return reject(new Error(`cold start of ${bundleFile} failed (exit code ${code})`));
      const { statusCode, ...figures } = JSON.parse(report) as Omit<ColdStartRun, 'wallMilliseconds'> & { statusCode: number };
      if (statusCode !== expectedStatus) return reject(new Error(`cold start of ${bundleFile} answered ${statusCode}, not ${expectedStatus}`));
      resolve({ wallMilliseconds, ...figures });
    });
  });
}

export async function benchmarkColdStart(options: ColdStartOptions): Promise<ColdStart> {
  const runs = options.runs ?? 15;
  const bundleOf = (name: string) => options.bundles.find((bundle) => bundle.name === name)!.file;
  const variants: Array<{ name: ColdStartVariantName; file: string; event: APIGatewayProxyEvent; status: number }> = [
    { name: 'hello-world', file: bundleOf(HELLO_WORLD), event: options.events.enrich, status: 200 },
    { name: 'enrich', file: bundleOf('enrich'), event: options.events.enrich, status: 200 },
    { name: 'visits', file: bundleOf('visits'), event: options.events.visits, status: 201 },
  ];
  const measured = new Map<ColdStartVariantName, ColdStartRun[]>(variants.map((variant) => [variant.name, []]));
  // Interleaved, so a slow moment of the machine is shared; the first runs only warm the file cache.
  for (let run = -(options.warmup ?? 2); run < runs; run++) {
    for (const variant of variants) {
      const result = await coldStartOnce(variant.file, variant.event, variant.status, options.handlerEnvironment);
      if (run >= 0) measured.get(variant.name)!.push(result);
    }
  }
  const figures = (name: ColdStartVariantName): ColdStartFigures => {
    const all = measured.get(name)!;
    const of = (figure: keyof ColdStartRun) => median(all.map((run) => run[figure]));
    return {
      wallMilliseconds: of('wallMilliseconds'),
      bootstrapMilliseconds: of('bootstrapMilliseconds'),
      initMilliseconds: of('initMilliseconds'),
      firstInvokeMilliseconds: of('firstInvokeMilliseconds'),
      cpuMilliseconds: of('cpuMilliseconds'),
      rssAfterInitBytes: of('rssAfterInitBytes'),
      maxRssBytes: of('maxRssBytes'),
    };
  };
  return {
    runs,
    nodeVersion: process.version,
    variants: { 'hello-world': figures('hello-world'), enrich: figures('enrich'), visits: figures('visits') },
  };
}
