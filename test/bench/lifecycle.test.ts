import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Measured } from './cost-model.js';

const root = resolve(import.meta.dirname, '../..');
const folder = mkdtempSync(resolve(tmpdir(), 'pd-bench-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The figure a line of the report starts with, after its label. */
const figure = (output: string, label: string) => {
  const found = output.match(new RegExp(`^  ${label}\\s+([\\d.]+)`, 'm'));
  return found ? Number(found[1]) : Number.NaN;
};

// No timing is asserted: the machine is shared. Only that the bench runs and prints what it measures.
describe('npm run bench', () => {
  it('takes a participant through the programme and the first accredited year and prints the counts, floors and cost', async () => {
    const json = resolve(folder, 'counts.json');
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', 'test/bench/lifecycle.bench.ts', '--participants', '1', '--json', json],
      {
        cwd: root,
        env: {
          ...process.env,
          // As deployed (INFO), so the log bytes are what CloudWatch would ingest.
          POWERTOOLS_LOG_LEVEL: 'INFO',
          POWERTOOLS_METRICS_DISABLED: 'true',
          POWERTOOLS_TRACE_ENABLED: 'false',
        },
        timeout: 170_000,
      },
    );
    for (const label of [
      'state transitions',
      'Lambda invocations',
      'DynamoDB calls',
      'emails sent',
      'HTTP requests \\(API Gateway\\)',
      'log bytes \\(CloudWatch Logs\\)',
    ])
      expect(figure(stdout, label), label).toBeGreaterThan(0);
    expect(stdout).toMatch(/state transitions .* floor +[\d.]+ +[\d.]+× the floor/);
    expect(stdout).toMatch(/DynamoDB calls .* floor +[\d.]+ +[\d.]+× the floor/);
    expect(stdout).toMatch(/total \(target ≤ \$0\.005\) +\$0\.\d{6} +\$0\.\d{6}/);

    const { measured } = JSON.parse(readFileSync(json, 'utf8')) as { measured: Measured };
    // The programme's execution and the accredited years' (handed over within a year); every answer
    // woke one, and so did the dates on which an email went.
    expect(measured.executions).toBeGreaterThanOrEqual(2);
    expect(measured.usage.wakeUps.answer).toBeGreaterThanOrEqual(11);
    expect(measured.usage.wakeUps.necessary).toBeGreaterThan(measured.usage.wakeUps.answer);
    expect(measured.days).toBeGreaterThan(365);
  }, 180_000);
});
