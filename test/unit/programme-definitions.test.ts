import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { entryPoints, workflowTasks } from '../../functions/catalog.js';
import { Programme } from '../../functions/domain/programme.js';
import { definitions } from '../../functions/programmes/index.js';
import { functionBuildOptions } from '../../infra/constructs/bundling.js';

/**
 * The programme definitions are validated here, not when a function starts (functions/programmes/index.ts
 * takes each JSON as it is): so each must parse, and parse to itself.
 */
const root = resolve(import.meta.dirname, '../..');
const directory = resolve(root, 'functions/programmes');
const files = readdirSync(directory).filter((file) => file.endsWith('.json'));

describe('programme definitions', () => {
  it.each(files)(
    '%s is a valid programme, every default spelled out and nothing the schema would drop',
    (file) => {
      const raw: unknown = JSON.parse(readFileSync(resolve(directory, file), 'utf8'));
      expect(Programme.parse(raw)).toStrictEqual(raw);
    },
  );

  it('every JSON file is a programme the functions run', () => {
    const runs = new Set(definitions.map((programme) => JSON.stringify(programme)));
    for (const file of files)
      expect(runs.has(JSON.stringify(JSON.parse(readFileSync(resolve(directory, file), 'utf8'))))).toBe(true);
  });

  it('refuses a file relying on a default, carrying a key the schema would drop, or broken', () => {
    const file = () => structuredClone(definitions[0]) as unknown as { steps: { prompts?: object[] }[] };
    const withoutDefault = file();
    const prompt = withoutDefault.steps.find((step) => step.prompts)?.prompts?.[0] as { maxLength?: number };
    delete prompt.maxLength;
    expect(Programme.parse(withoutDefault)).not.toStrictEqual(withoutDefault);
    const withUnknownKey = { ...file(), colour: 'blue' };
    expect(Programme.parse(withUnknownKey)).not.toStrictEqual(withUnknownKey);
    expect(() => Programme.parse({ ...file(), steps: 'none' })).toThrow();
  });

  it('no function builds the programme schemas when it starts: their module is in no bundle', async () => {
    const { metafile } = await build({
      ...functionBuildOptions({ sourceMaps: false }),
      // Every function at once, each entry under its own name (a function's asset has one, `index`).
      entryPoints: Object.fromEntries(
        Object.entries({ ...workflowTasks, ...entryPoints }).map(([name, entry]) => [
          name,
          resolve(root, entry),
        ]),
      ),
      entryNames: '[name]',
      outdir: resolve(root, 'cdk.out/unused'),
      write: false,
      metafile: true,
    });
    expect(Object.keys(metafile.inputs)).toContain('functions/domain/cohort.ts');
    expect(Object.keys(metafile.inputs)).not.toContain('functions/domain/programme.ts');
  }, 60_000);
});
