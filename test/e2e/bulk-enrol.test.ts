import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../infra/local/system.js';
import { startTestSystem, testCohort } from '../support/local-system.js';
import { pdAdminProcess } from '../support/pd-admin.js';

/**
 * `pd-admin enrol --cohort C --csv file.csv` as a subprocess against the local system: a real file of
 * three hundred rows, enrolled once, resumed after an interruption, and broken files refused whole.
 * Nothing here changes at a thousand rows: three hundred keep the client's 32 enrolments under way at
 * once, neither size reaches the StartExecution quota's burst of 800, and a cohort's query past one
 * 1 MB page is test/handlers/store.test.ts's. The client at scale is `npm run bench:enrol`'s.
 */
let system: LocalSystem;
let folder: string;
beforeAll(async () => {
  system = await startTestSystem();
  folder = mkdtempSync(join(tmpdir(), 'pd-admin-enrol-'));
  for (const cohortId of ['bulk-north', 'bulk-south'])
    await system.admin({ command: 'create-cohort', cohort: { ...testCohort, cohortId } });
});
afterAll(async () => {
  await system.stop();
  rmSync(folder, { recursive: true, force: true });
});

const pdAdmin = (args: string[]) => pdAdminProcess(system, args);

const header = 'Name,Email,School,Senior leader name,Senior leader email,Senior leader role,Pathway';
const row = (i: number) =>
  `Participant ${i},p${i}@bulk.test,"School ${i}, Leeds",Head ${i},head${i}@bulk.test,Head teacher,primary`;
function spreadsheet(name: string, lines: string[]) {
  const file = join(folder, name);
  // As Excel saves "CSV UTF-8": a BOM, and CRLF line ends.
  writeFileSync(file, `\uFEFF${[header, ...lines].join('\r\n')}\r\n`);
  return file;
}
const rows = Array.from({ length: 300 }, (_, i) => row(i + 1));
const enrolledIn = async (cohortId: string) =>
  (await system.dependencies.store.participants.inCohort(cohortId)).length;

describe('pd-admin enrol', () => {
  it('refuses a file with any bad row whole, listing every bad row by line and why', async () => {
    const broken = spreadsheet('broken.csv', [
      row(1),
      row(2).replace('p2@bulk.test', 'p2-at-bulk.test'),
      row(3).replace(',primary', ',infants'),
      row(1).replace('Participant 1,', 'Participant One,'),
      'Short Row,short@bulk.test,Short School',
    ]);
    const refused = await pdAdmin(['enrol', '--cohort', 'bulk-north', '--csv', broken]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      [
        `Nothing enrolled: 4 bad row(s) in ${broken}`,
        '  line 3: email: Enter an email address like name@school.org.uk',
        '  line 4: unknown pathway "infants" (one of primary, secondary, a-level, further-education)',
        '  line 5: duplicate of line 2 (p1@bulk.test)',
        '  line 6: missing column "senior leader name"; missing column "senior leader email"',
        '',
      ].join('\n'),
    );
    expect(await enrolledIn('bulk-north')).toBe(0);
    const noColumn = join(folder, 'no-column.csv');
    writeFileSync(noColumn, 'Name,Email\nAsha,asha@bulk.test\n');
    expect(await pdAdmin(['enrol', '--cohort', 'bulk-north', '--csv', noColumn])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('line 1: missing column "school"; missing column "senior leader name"'),
    });
    expect(await pdAdmin(['enrol', '--cohort', 'no-such-cohort', '--csv', noColumn])).toMatchObject({
      code: 3,
      stderr: 'Refused: No cohort "no-such-cohort"\n',
    });
    // Three pd-admin processes, each importing the CLI afresh: seconds each on a busy machine.
  }, 180_000);

  it('enrols three hundred rows; interrupted part way, the same file run again enrols only who is missing', async () => {
    // The first 100 went in before the interruption.
    const first = await pdAdmin([
      'enrol',
      '--cohort',
      'bulk-north',
      '--csv',
      spreadsheet('first-100.csv', rows.slice(0, 100)),
    ]);
    expect(first).toMatchObject({ code: 0, stdout: 'Enrolled 100 in bulk-north; 0 already enrolled.\n' });

    const all = spreadsheet('all.csv', rows);
    const rest = await pdAdmin(['--json', 'enrol', '--cohort', 'bulk-north', '--csv', all]);
    expect(rest.code).toBe(0);
    expect(JSON.parse(rest.stdout)).toEqual({
      enrolled: 200,
      alreadyEnrolled: 0,
      skipped: 100,
      failed: [],
      throttled: 0,
      notStarted: 0,
      rows: 300,
    });
    expect(await enrolledIn('bulk-north')).toBe(300);
    expect(system.stepFunctions.listExecutions().filter((e) => e.name.startsWith('p-')).length).toBe(300);

    const again = await pdAdmin(['enrol', '--cohort', 'bulk-north', '--csv', all]);
    expect(again).toMatchObject({ code: 0, stdout: 'Enrolled 0 in bulk-north; 300 already enrolled.\n' });

    // Someone on another cohort of the programme is not enrolled twice.
    const elsewhere = await pdAdmin([
      'enrol',
      '--cohort',
      'bulk-south',
      '--csv',
      spreadsheet('south.csv', [row(7)]),
    ]);
    expect(elsewhere).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('line 2: already enrolled in cohort bulk-north'),
    });
    await system.stepFunctions.settled();
  }, 300_000);
});
