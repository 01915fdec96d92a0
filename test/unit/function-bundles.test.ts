import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, expect, it } from 'vitest';
import { workflowTasks } from '../../functions/catalog.js';
import { functionBuildOptions } from '../../infra/constructs/bundling.js';

/** A function's bundle, built as its asset is (infra/constructs/bundling.ts), imported as Lambda's INIT does. */
const root = resolve(import.meta.dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'function-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('importing a function loads no undici, and the tracer still traces outgoing HTTP requests', async () => {
  await build({
    ...functionBuildOptions({ sourceMaps: false }),
    entryPoints: [resolve(root, workflowTasks.AwaitChange)],
    outdir: out,
  });
  const probe = `await import(${JSON.stringify(join(out, 'index.mjs'))});
    const http = process.getBuiltinModule('node:http');
    process.stdout.write(JSON.stringify({
      undici: process.moduleLoadList.some((loaded) => loaded.includes('undici')),
      traced: typeof http.__request === 'function' && http.request !== http.__request,
    }));`;
  const run = spawnSync(resolve(root, 'node_modules/.bin/node'), ['--input-type=module', '-e', probe], {
    encoding: 'utf8',
    // Lambda's environment: the tracer traces only in Lambda.
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-2',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: 'AwaitChange',
    },
  });
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual({ undici: false, traced: true });
}, 60_000);
