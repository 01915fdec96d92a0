/**
 * `npm run bench:cold-start`: how long each function's bundle takes to import in a fresh Node 24 process
 * (what Lambda's INIT does before the first event), next to two baselines built with the same options:
 * - SDK only: a bundle that only creates the AWS SDK clients the function's permissions name
 *   (functions/permissions.ts), issue 10's yardstick;
 * - framework: those clients and the parts the design requires of every handler, with no code of ours:
 *   Powertools' logger, metrics and tracer (capturing each client) around a middy handler that parses its
 *   event with a zod schema. What a function costs over this is ours to cut; this over SDK only is not.
 *
 *   npm run bench:cold-start -- --runs 7 --functions AwaitChange,Forms
 *   npm run bench:cold-start -- --cdk-out cdk.out     (the assets `npx cdk synth` built, as they deploy)
 *
 * Without --cdk-out it bundles each entry with esbuild itself, with the options the functions' assets use
 * (infra/constructs/bundling.ts): a synth takes minutes, this seconds. Prints one Markdown row per function,
 * and flags any ratio over 1.3× (issue 10's target). Timings only: nothing here asserts them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { build, type StdinOptions } from 'esbuild';
import { entryPoints, workflowTasks } from '../../functions/catalog.js';
import { type FunctionName, type Permissions, permissions } from '../../functions/permissions.js';
import { functionBuildOptions } from '../../infra/constructs/bundling.js';

const TARGET_RATIO = 1.3;
const root = resolve(import.meta.dirname, '../..');
/** Node 24, as Lambda's nodejs24.x runs: the project's own (the shell's may be older). */
const node = resolve(root, 'node_modules/.bin/node');
const entries: Record<FunctionName, string> = { ...workflowTasks, ...entryPoints };

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    functions: { type: 'string' },
    'cdk-out': { type: 'string' },
  },
});
const runs = Number(values.runs);
const names = (values.functions?.split(',') ?? Object.keys(entries)) as FunctionName[];
for (const name of names)
  if (!(name in entries)) throw new Error(`No function ${name} in functions/catalog.ts`);

/** The SDK clients a function's declared permissions imply, as package and class. */
function sdkClients(p: Permissions): [string, string][] {
  const implied: [unknown, string, string][] = [
    [p.table || p.queryGsi1 || p.queryGsi2 || p.idempotency, '@aws-sdk/client-dynamodb', 'DynamoDBClient'],
    [p.email, '@aws-sdk/client-ses', 'SESClient'],
    [p.workflows, '@aws-sdk/client-sfn', 'SFNClient'],
    [p.uploads || p.certificates, '@aws-sdk/client-s3', 'S3Client'],
    [p.alerts, '@aws-sdk/client-sns', 'SNSClient'],
    [p.milestones, '@aws-sdk/client-eventbridge', 'EventBridgeClient'],
  ];
  return implied.filter(([needed]) => needed).map(([, pkg, name]) => [pkg, name]);
}

const work = mkdtempSync(join(tmpdir(), 'cold-start-'));

async function bundle(
  input: { entryPoints: string[] } | { stdin: StdinOptions },
  outdir: string,
): Promise<string> {
  await build({ ...functionBuildOptions({ sourceMaps: false }), ...input, outdir });
  return outdir;
}

/** The design's parts of every handler, as functions/shared/observability.ts and task-handler.ts use them. */
const FRAMEWORK = `
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import * as z from 'zod';
const logger = new Logger(), metrics = new Metrics({ namespace: 'Bench' }), tracer = new Tracer();
const Event = z.object({ id: z.string().min(1) });
export const handler = middy()
  .use([injectLambdaContext(logger), captureLambdaHandler(tracer), logMetrics(metrics)])
  .handler(async (event) => Event.parse(event));`;

type Baseline = 'sdk' | 'framework';
/** A baseline for a set of clients: a module that creates them (and the framework's parts), bundled alike. */
const baselines = new Map<string, Promise<string>>();
function baselineFor(clients: [string, string][], kind: Baseline): Promise<string> {
  const key = `${kind}-${clients.map(([, name]) => name).join('+') || 'none'}`;
  const existing = baselines.get(key);
  if (existing) return existing;
  const client = ([, name]: [string, string]) => name.toLowerCase();
  const contents = [
    ...clients.map(([pkg, name]) => `import { ${name} } from '${pkg}';`),
    ...clients.map((c) => `export const ${client(c)} = new ${c[1]}({});`),
    ...(kind === 'framework'
      ? [FRAMEWORK, ...clients.map((c) => `tracer.captureAWSv3Client(${client(c)});`)]
      : []),
  ].join('\n');
  const built = bundle({ stdin: { contents, resolveDir: root } }, join(work, key));
  baselines.set(key, built);
  return built;
}

/** Each function's asset directory in a synthesized cloud assembly, by its construct path. */
function synthesizedAssets(cdkOut: string): Map<string, string> {
  const template = JSON.parse(readFileSync(join(cdkOut, 'PdAccreditation.template.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
  };
  const assets = new Map<string, string>();
  for (const resource of Object.values(template.Resources)) {
    const path = resource.Metadata?.['aws:cdk:path']?.match(/^PdAccreditation\/Functions\/(\w+)\/Resource$/);
    const asset = resource.Metadata?.['aws:asset:path'];
    if (resource.Type === 'AWS::Lambda::Function' && path?.[1] && asset)
      assets.set(path[1], join(cdkOut, asset));
  }
  return assets;
}

const kb = (bytes: number) => Math.round(bytes / 1024);
const files = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((file) => join(dir, file))
    .filter((file) => statSync(file).isFile());
/** A module's static imports of the bundle's other files (`import("…")`, a lazy chunk, is not one). */
const STATIC_IMPORT = /\b(?:import|export)\s*(?:[^"'()]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+)["']/g;
/** The files INIT reads: the entry and every chunk it imports statically, directly or not. */
function initFiles(dir: string): string[] {
  const read = new Set<string>();
  const visit = (file: string) => {
    if (read.has(file)) return;
    read.add(file);
    for (const [, path] of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT))
      if (path) visit(resolve(dirname(file), path));
  };
  visit(join(dir, 'index.mjs'));
  return [...read];
}
const bytes = (paths: string[]) => paths.reduce((sum, file) => sum + statSync(file).size, 0);
/** What the asset's zip holds: each file deflated, as CDK zips it, plus its entries' headers. */
const zipBytes = (dir: string) =>
  files(dir).reduce((sum, file) => sum + deflateRawSync(readFileSync(file), { level: 9 }).length + 100, 0);

/** Lambda's environment as the runtime sets it before INIT (Powertools reads it at import). */
const lambdaEnvironment = (name: string) => ({
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'eu-west-2',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: name,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  POWERTOOLS_SERVICE_NAME: name,
  POWERTOOLS_METRICS_NAMESPACE: 'PdAccreditation',
});

/**
 * Milliseconds to import the bundle in a fresh process: wall time, and the process's CPU time (on a shared
 * machine wall time includes waiting for a core; CPU time is the work itself).
 */
function importMs(dir: string, name: string): { wall: number; cpu: number } {
  const probe = `const t = performance.now(), c = process.cpuUsage();
    await import(${JSON.stringify(join(dir, 'index.mjs'))});
    const { user, system } = process.cpuUsage(c);
    process.stdout.write(JSON.stringify({ wall: performance.now() - t, cpu: (user + system) / 1000 }));`;
  const run = spawnSync(node, ['--input-type=module', '-e', probe], {
    env: lambdaEnvironment(name),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`Importing ${name}'s bundle failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

const median = (samples: number[]) =>
  samples.toSorted((a, b) => a - b)[Math.floor(samples.length / 2)] ?? Number.NaN;

const synthesized = values['cdk-out'] ? synthesizedAssets(resolve(values['cdk-out'])) : undefined;
const rows = await Promise.all(
  names.map(async (name) => {
    const synthesizedDir = synthesized?.get(name);
    if (synthesized && !synthesizedDir) throw new Error(`No asset for ${name} in ${values['cdk-out']}`);
    const dir =
      synthesizedDir ?? (await bundle({ entryPoints: [resolve(root, entries[name])] }, join(work, name)));
    const clients = sdkClients(permissions[name]);
    return {
      name,
      dir,
      baseline: await baselineFor(clients, 'sdk'),
      framework: await baselineFor(clients, 'framework'),
    };
  }),
);

console.log(
  `Cold start: module import in a fresh Node ${spawnSync(node, ['-v'], { encoding: 'utf8' }).stdout.trim()} process, median of ${runs}`,
);
console.log(
  `(${synthesized ? `assets in ${values['cdk-out']}` : "bundled with the functions' assets' options"}; INIT KB: the entry and the chunks it imports statically)\n`,
);
console.log(
  '| function | INIT KB | bundle KB | zip KB | import ms | SDK-only ms | ratio | framework ms | framework ratio | over framework | CPU ratio |',
);
console.log(
  '| -------- | ------: | --------: | -----: | --------: | ----------: | ----: | -----------: | --------------: | -------------: | --------: |',
);
type Sample = { wall: number; cpu: number };
const of = (samples: Sample[], key: keyof Sample) => median(samples.map((sample) => sample[key]));
let over = 0;
let frameworkOver = 0;
for (const { name, dir, baseline, framework } of rows) {
  const own: Sample[] = [];
  const sdk: Sample[] = [];
  const parts: Sample[] = [];
  // Alternated, so a busy moment on a shared machine falls on all three.
  for (let run = 0; run < runs; run++) {
    own.push(importMs(dir, name));
    sdk.push(importMs(baseline, name));
    parts.push(importMs(framework, name));
  }
  const ratio = of(own, 'wall') / of(sdk, 'wall');
  const frameworkRatio = of(parts, 'wall') / of(sdk, 'wall');
  if (ratio > TARGET_RATIO) over++;
  if (frameworkRatio > TARGET_RATIO) frameworkOver++;
  const flag = ratio > TARGET_RATIO ? ` ⚠ over ${TARGET_RATIO}×` : '';
  const cells = [
    name,
    kb(bytes(initFiles(dir))),
    kb(bytes(files(dir))),
    kb(zipBytes(dir)),
    of(own, 'wall').toFixed(1),
    of(sdk, 'wall').toFixed(1),
    `${ratio.toFixed(2)}×${flag}`,
    of(parts, 'wall').toFixed(1),
    `${frameworkRatio.toFixed(2)}×`,
    `${(of(own, 'wall') / of(parts, 'wall')).toFixed(2)}×`,
    `${(of(own, 'cpu') / of(sdk, 'cpu')).toFixed(2)}×`,
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
console.log(
  `\n${over === 0 ? `Every function within ${TARGET_RATIO}×` : `${over} over ${TARGET_RATIO}×`} its SDK-only baseline (import ms); ` +
    `the framework alone is over ${TARGET_RATIO}× it for ${frameworkOver} of ${rows.length}.`,
);
rmSync(work, { recursive: true, force: true });
