// Bundle size of every function (minified, the construct's esbuild options) and of the MMDB layer.
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { HELLO_WORLD, fileBytes, type LambdaBundle } from './support/lambda-bundles.js';

export interface FunctionBundleSize {
  readonly name: string;
  /** index.mjs as deployed: minified ESM. */
  readonly minifiedBytes: number;
  readonly sourceMapBytes: number;
  /** index.mjs and its source map deflated, as in the function's zip. */
  readonly zippedBytes: number;
}

export interface BundleSizes {
  readonly functions: readonly FunctionBundleSize[];
  readonly layer: { readonly databaseBytes: number; readonly zippedBytes: number };
}

const deflatedBytes = (file: string): number => deflateRawSync(readFileSync(file), { level: 9 }).length;

export function measureBundleSizes(bundles: readonly LambdaBundle[], databasePath: string): BundleSizes {
  return {
    functions: bundles
      .filter((bundle) => bundle.name !== HELLO_WORLD)
      .map((bundle) => ({
        name: bundle.name,
        minifiedBytes: fileBytes(bundle.file),
        sourceMapBytes: fileBytes(bundle.sourceMapFile),
        zippedBytes: deflatedBytes(bundle.file) + deflatedBytes(bundle.sourceMapFile),
      })),
    layer: { databaseBytes: fileBytes(databasePath), zippedBytes: deflatedBytes(databasePath) },
  };
}
