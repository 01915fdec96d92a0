import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Programme } from '../../functions/domain/programme.js';
import { definitions } from '../../functions/programmes/index.js';

/**
 * The programme definitions are validated here, not when a function starts (functions/programmes/index.ts
 * takes each JSON as it is): so each must parse, and parse to itself.
 */
const directory = resolve(import.meta.dirname, '../../functions/programmes');
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
});
