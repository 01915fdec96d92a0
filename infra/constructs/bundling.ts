import { resolve } from 'node:path';
import { type BuildOptions, buildSync } from 'esbuild';

const nodeHttp = resolve(import.meta.dirname, 'node-http.cjs');

/** Which build of the functions: source maps only when asked for (`-c sourceMaps=true`). */
export interface FunctionBundling {
  sourceMaps: boolean;
}

/**
 * How every function is bundled: one place, read by the functions' assets (FunctionBundle below) and by
 * the cold-start bench (test/bench/cold-start.bench.ts), so what is measured is what deploys.
 *
 * - ESM with `module` before `main`: packages' ES builds, which esbuild tree-shakes (a CommonJS
 *   package is kept whole).
 * - Split: each `await import()` (pdf-lib, nodemailer's MIME builder, the S3 presigners, ics, and the
 *   AWS SDK's own credential providers) becomes a chunk of its own, read only when first imported,
 *   so INIT neither runs nor parses it. The entry is `index.mjs`.
 * - The AWS SDK bundled: shaken to the clients and commands used, and its version is ours, not the
 *   runtime's. (Not measured against the runtime's copy: the cold-start bench's baseline bundles the
 *   SDK alike, so the ratios it prints do not depend on this choice.)
 * - Minified: less to read and parse at INIT.
 * - No source maps unless asked for: they were 7.5 MB of each zip, and with `--enable-source-maps`
 *   Node parses them at start. With them, NODE_OPTIONS turns them on (sourceMapEnvironment).
 * - `node:http` as the CommonJS module (node-http.cjs), not through an ES module import: that one loads
 *   undici and http2 at INIT for getters nothing reads (Powertools' tracer imports `node:http` to trace
 *   outgoing requests; it patches the same module object either way).
 */
export function functionBuildOptions({ sourceMaps }: FunctionBundling): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    mainFields: ['module', 'main'],
    splitting: true,
    entryNames: 'index',
    chunkNames: 'chunks/[name]-[hash]',
    // Lambda's Node takes `.mjs` as ESM without a package.json saying so.
    outExtension: { '.js': '.mjs' },
    minify: true,
    sourcemap: sourceMaps,
    // Some CommonJS dependencies call require(); ESM bundles need it provided.
    banner: { js: "import { createRequire } from 'module';const require = createRequire(import.meta.url);" },
    alias: { http: nodeHttp, 'node:http': nodeHttp },
    logLevel: 'error',
  };
}

/** The environment source maps need at run time: none without them. */
export const sourceMapEnvironment = (sourceMaps: boolean): Record<string, string> =>
  sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {};

/**
 * Bundles one function's entry into an asset directory, in the synth's own process (CDK's local
 * bundling: no Docker). NodejsFunction cannot do this: it runs esbuild with `--outfile`, one file, no
 * splitting. Its fields are what CDK's asset cache keys on, so each entry gets its own bundle.
 */
export class FunctionBundle {
  constructor(
    readonly entry: string,
    readonly bundling: FunctionBundling,
  ) {}

  tryBundle(outputDir: string): boolean {
    buildSync({ ...functionBuildOptions(this.bundling), entryPoints: [this.entry], outdir: outputDir });
    return true;
  }
}
