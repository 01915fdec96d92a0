import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';

/** The local-floor bench runs and prints a positive cost for every kind of call. Its timings are not asserted. */
const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'local-floor-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const use = (calls: number) => ({ calls, capacityUnits: 0 });
/** A lifecycle run's counts, as `npm run bench -- --json` writes them: two participants, every kind of call. */
const counts = {
  measured: {
    participants: 2,
    days: 400,
    executions: 4,
    events: 4,
    transitionsByMachine: { ParticipantLifecycle: 80 },
    usage: {
      functions: {},
      calls: {
        AdvanceProgramme: {
          'dynamodb:GetItem': use(2),
          'dynamodb:BatchGetItem': use(8),
          'dynamodb:PutItem': use(4),
          'dynamodb:UpdateItem': use(10),
          'dynamodb:Query': use(2),
          'ses:SendEmail': use(6),
          'ses:SendRawEmail': use(2),
          's3:PutObject': use(2),
          's3:ListBucket': use(2),
          'states:StartExecution': use(2),
        },
        Forms: { 'states:SendTaskSuccess': use(4) },
        PublishMilestones: { 'events:PutEvents': use(4) },
        '(outside)': { 'dynamodb:GetItem': use(100) },
      },
      requests: { 'GET /r/{secret}': 4, 'POST /r/{secret}': 4 },
      wakeUps: { answer: 4, timer: 4, necessary: 6 },
    },
    meanDurationMs: {},
    initMs: 400,
  },
};

it('npm run bench:local-floor prints each call’s cost and the least time for 1,000 participants', () => {
  const from = join(work, 'counts.json');
  writeFileSync(from, JSON.stringify(counts));
  const output = execFileSync(
    resolve(root, 'node_modules/.bin/tsx'),
    ['test/bench/local-floor.bench.ts', '--from', from, '--calls', '5', '--concurrency', '2'],
    { cwd: root, encoding: 'utf8' },
  );
  const rows = output.split('\n').filter((line) => /^\| [a-z0-9]+:\w+ +\|/.test(line));
  const figures = (row: string) => row.split('|').slice(2, -1).map(Number);
  expect(rows.map((row) => row.split('|')[1]?.trim())).toEqual([
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:Query',
    'ses:SendEmail',
    'ses:SendRawEmail',
    'events:PutEvents',
    's3:PutObject',
    's3:ListBucket',
    'states:StartExecution',
    'states:SendTaskSuccess',
  ]);
  // CPU, main thread, wall per call; calls per participant-year (the harness's own left out); their cost.
  for (const row of rows) for (const n of figures(row)) expect(n).toBeGreaterThan(0);
  expect(figures(rows[0] ?? '')[3]).toBe(1);
  const summaries = output.split('\n').filter((line) => /^\| (as counted|DynamoDB at the floor)/.test(line));
  expect(summaries).toHaveLength(2);
  for (const row of summaries) for (const n of figures(row)) expect(n).toBeGreaterThan(0);
  // The floor: 2 per necessary wake-up and form post, 1 per page and email, per participant: (12 + 8 + 4 + 8) / 2.
  expect(output).toContain('DynamoDB at the floor (16.0)');
}, 60_000);
