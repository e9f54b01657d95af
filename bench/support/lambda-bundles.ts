import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type BuildOptions } from 'esbuild';

import { REPO_ROOT } from '../../test/support/repo-paths.js';
export const HELLO_WORLD = 'hello-world';

export interface LambdaBundle {
  /** The lambdas/<name> folder, or hello-world. */
  readonly name: string;
  readonly entry: string;
  /** The bundle Lambda runs (index.mjs), beside its source map. */
  readonly file: string;
  readonly sourceMapFile: string;
}

/**
 * The bundling of lib/enrichment/api-function.ts (NodejsFunction's `bundling` props), as the esbuild
 * command line NodejsFunction builds from them: keep the two in step when the construct changes.
 */
const API_FUNCTION_BUNDLING: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*', '@smithy/*'],
  banner: { js: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" },
};

/** Every lambdas/<name>/handler.ts present, by name. */
export function handlerEntries(): Array<{ name: string; entry: string }> {
  const lambdas = path.join(REPO_ROOT, 'lambdas');
  return readdirSync(lambdas)
    .filter((name) => existsSync(path.join(lambdas, name, 'handler.ts')))
    .sort()
    .map((name) => ({ name, entry: path.join(lambdas, name, 'handler.ts') }));
}

/**
 * Bundles every function and a hello-world handler with the construct's options into
 * `directory`/<name>/index.mjs. `directory` gets a node_modules link to the project's, where the
 * AWS SDK the bundles leave external is found (on Lambda it comes with the runtime).
 */
export async function buildLambdaBundles(directory: string): Promise<LambdaBundle[]> {
  mkdirSync(directory, { recursive: true });
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(directory, 'node_modules'), 'dir');
  const helloWorld = path.join(directory, 'hello-world-source', 'handler.mjs');
  mkdirSync(path.dirname(helloWorld));
  writeFileSync(helloWorld, "export const handler = async () => ({ statusCode: 200, body: JSON.stringify({ hello: 'world' }) });\n");

  const bundles: LambdaBundle[] = [];
  for (const { name, entry } of [...handlerEntries(), { name: HELLO_WORLD, entry: helloWorld }]) {
    const file = path.join(directory, name, 'index.mjs');
    await build({ ...API_FUNCTION_BUNDLING, entryPoints: [entry], outfile: file, absWorkingDir: REPO_ROOT, logLevel: 'error' });
    bundles.push({ name, entry, file, sourceMapFile: `${file}.map` });
  }
  return bundles;
}

export const fileBytes = (file: string): number => statSync(file).size;
