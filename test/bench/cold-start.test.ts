import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

/** The cold-start bench runs and prints a row per function asked. Its timings are not asserted. */
const root = resolve(import.meta.dirname, '../..');

it('npm run bench:cold-start prints a row per function asked', () => {
  const output = execFileSync(
    resolve(root, 'node_modules/.bin/tsx'),
    ['test/bench/cold-start.bench.ts', '--runs', '1', '--functions', 'AwaitChange,PublishMilestones'],
    { cwd: root, encoding: 'utf8' },
  );
  const rows = output.split('\n').filter((line) => /^\| [A-Z]\w+ \|/.test(line));
  expect(rows.map((row) => row.split('|')[1]?.trim())).toEqual(['AwaitChange', 'PublishMilestones']);
  // function, three sizes, import ms, SDK-only ms, ratio (flagged over 1.3×), framework ms and three ratios.
  const cells = String.raw`^\| \w+ \| \d+ \| \d+ \| \d+ \| [\d.]+ \| [\d.]+ \| [\d.]+×[^|]* \| [\d.]+ \| [\d.]+× \| [\d.]+× \| [\d.]+× \|$`;
  for (const row of rows) expect(row).toMatch(new RegExp(cells));
  expect(output).toMatch(/the framework alone is over 1\.3× it for \d of 2\./);
}, 60_000);
