// Warm handler latency, in process: the real handlers (lambdas/*/handler.ts) invoked with API Gateway
// proxy events in a child process that has the deployed functions' environment, pointed at local
// backends; plus each handler's own overhead without its database call.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAMBDA_CPU_SLOWDOWN } from './cost.js';
import { median } from './support/statistics.js';

const BENCH_DIRECTORY = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(BENCH_DIRECTORY, '..');

export type LatencyVariantName =
  | 'enrich-one'
  | 'enrich-one without database'
  | 'enrich-batch'
  | 'enrich-batch without database'
  | 'record-visit'
  | 'record-visit without database';

export interface HandlerLatencyConfig {
  readonly addressFile: string;
  readonly invocations: number;
  readonly warmup: number;
  readonly rounds: number;
  /** Durations × this give the billed duration at Lambda's CPU share of the configured memory. */
  readonly cpuSlowdown: number;
}

/** One round of `invocations` calls of one variant; milliseconds. */
export interface LatencyRound {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  /** Each invocation's duration rounded up to the next millisecond, as Lambda bills it, averaged. */
  readonly meanBilledMilliseconds: number;
  /** The same from each duration × cpuSlowdown: an upper estimate for a CPU-bound handler on Lambda. */
  readonly meanBilledMillisecondsAtLambdaCpuShare: number;
  /** Bytes the handler wrote to stdout (its log lines: CloudWatch Logs ingestion). */
  readonly logBytesPerInvocation: number;
  /** Body and headers of the answer (data transfer out). */
  readonly responseBytesPerInvocation: number;
}

/** The median over the rounds of each figure. */
export type LatencyFigures = { readonly [K in keyof LatencyRound]: number };

export interface HandlerLatency {
  readonly invocationsPerRound: number;
  readonly rounds: number;
  readonly warmup: number;
  readonly variants: Readonly<Record<LatencyVariantName, LatencyFigures>>;
  /** Sample addresses on an organisation network (the record-visit visitors). */
  readonly organisationVisitors: number;
  /** GetSecretValue calls the whole run made: the handler's cache makes it one. */
  readonly secretFetches: number;
}

export interface HandlerLatencyOptions {
  readonly addressFile: string;
  readonly workDirectory: string;
  readonly handlerEnvironment: Readonly<Record<string, string>>;
  readonly secretFetches: () => number;
  readonly invocations?: number;
  readonly warmup?: number;
  readonly rounds?: number;
}

export async function benchmarkHandlerLatency(options: HandlerLatencyOptions): Promise<HandlerLatency> {
  const config: HandlerLatencyConfig = {
    addressFile: options.addressFile,
    invocations: options.invocations ?? 10_000,
    warmup: options.warmup ?? 2_000,
    rounds: options.rounds ?? 3,
    cpuSlowdown: LAMBDA_CPU_SLOWDOWN,
  };
  const configFile = path.join(options.workDirectory, 'handler-latency.json');
  writeFileSync(configFile, JSON.stringify(config));

  const child = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIRECTORY, 'handler-latency-child.ts'), configFile], {
    cwd: REPO_ROOT,
    env: { ...options.handlerEnvironment },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const report = await new Promise<{ rounds: Record<LatencyVariantName, LatencyRound[]>; organisationVisitors: number }>((resolve, reject) => {
    let received: unknown;
    child.once('message', (message) => (received = message));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (received) resolve(received as never);
      else reject(new Error(`the handler latency child exited with ${signal ?? `code ${code}`} before reporting`));
    });
  });

  const variants = Object.fromEntries(
    Object.entries(report.rounds).map(([name, rounds]) => [
      name,
      Object.fromEntries((Object.keys(rounds[0]!) as (keyof LatencyRound)[]).map((figure) => [figure, median(rounds.map((round) => round[figure]))])),
    ]),
  ) as unknown as Record<LatencyVariantName, LatencyFigures>;
  return {
    invocationsPerRound: config.invocations,
    rounds: config.rounds,
    warmup: config.warmup,
    variants,
    organisationVisitors: report.organisationVisitors,
    secretFetches: options.secretFetches(),
  };
}
