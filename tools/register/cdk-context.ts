import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../lib/config/load-config.js';

export class UsageError extends Error {}

/** cdk.json's context and cdk.context.json, as `cdk synth` reads them. */
export function cdkJsonContext(repoRoot: string): Record<string, unknown> {
  const files = ['cdk.json', 'cdk.context.json'].map((file) => path.join(repoRoot, file)).filter((file) => existsSync(file));
  return Object.assign({}, ...files.map((file) => {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> };
    return file.endsWith('cdk.json') ? (json.context ?? {}) : json;
  }));
}

/** `-c key=value` pairs, as `cdk synth` takes them. */
export function contextOverrides(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError(`-c expects key=value, got ${JSON.stringify(pair)}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

/**
 * How an operator CLI ends on an error: a refusal (an invalid configuration, or one of `refusals`) prints its message
 * and exits 1; a usage error prints the usage and exits 2; anything else is a bug and is rethrown.
 */
export function endOnCliError(error: unknown, usage: string, refusals: ReadonlyArray<abstract new (...args: never[]) => Error> = []): void {
  if (error instanceof ConfigError || refusals.some((refusal) => error instanceof refusal)) {
    console.error((error as Error).message);
    process.exitCode = 1;
  } else if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${usage}`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
