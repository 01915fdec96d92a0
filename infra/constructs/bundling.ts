import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * How every function is bundled: one place, read by the NodejsFunctions and by the cold-start bench
 * (test/bench/cold-start.bench.ts), so what is measured is what deploys.
 *
 * - ESM with `module` before `main`: packages' ES builds, which esbuild tree-shakes (a CommonJS
 *   package is kept whole).
 * - The AWS SDK bundled (`bundleAwsSDK`): shaken to the clients and commands used, and its version is
 *   ours, not the runtime's. (Not measured against the runtime's copy: the cold-start bench's baseline
 *   bundles the SDK alike, so the ratios it prints do not depend on this choice.)
 * - Minified: less to read and parse at INIT.
 * - No source maps unless asked for (`-c sourceMaps=true`): they were 7.5 MB of each zip, and with
 *   `--enable-source-maps` Node parses them at start. With them, NODE_OPTIONS turns them on.
 */
export function functionBundling({ sourceMaps = false }: { sourceMaps?: boolean } = {}): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    bundleAwsSDK: true,
    minify: true,
    sourceMap: sourceMaps,
    target: 'node24',
    mainFields: ['module', 'main'],
    // Some CommonJS dependencies call require(); ESM bundles need it provided.
    banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
  };
}

/** The environment source maps need at run time: none without them. */
export const sourceMapEnvironment = (sourceMaps: boolean): Record<string, string> =>
  sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {};

/**
 * The same options as esbuild's API takes them, as NodejsFunction passes them on its command line
 * (aws-lambda-nodejs/lib/bundling.ts): for building a function's bundle without synthesizing the stack.
 */
export function esbuildOptionsOf(bundling: BundlingOptions): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: bundling.target,
    format: bundling.format === OutputFormat.ESM ? 'esm' : 'cjs',
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    mainFields: bundling.mainFields,
    external: bundling.bundleAwsSDK ? [] : ['@aws-sdk/*'],
    ...(bundling.banner && { banner: { js: bundling.banner } }),
  };
}
