import { describe, expect, it } from 'vitest';
import { cohortFunnel, type ProgrammeReport, termlyReach } from '../../functions/admin/programme-report.js';
import { programmeReportCsv } from '../../functions/admin/report/programme-report-csv.js';
import { programmeReportHtml } from '../../functions/admin/report/programme-report-html.js';
import { statusTable } from '../../functions/admin/report/status-table.js';
import { type StatusRow, statusRows } from '../../functions/admin/status.js';
import { isoWeek } from '../../functions/admin/weekly-digest.js';
import type { Participant } from '../../functions/domain/participant.js';
import { newRequest, type Request } from '../../functions/domain/request.js';
import { DAY } from '../../functions/domain/time.js';
import {
  isOverdue,
  noAsks,
  pendingAsks,
  waitingChanged,
  waitingFor,
} from '../../functions/domain/waiting.js';
import { programmeById } from '../../functions/programmes/index.js';
import { participantIn } from '../support/records.js';

/** Who the system waits on, as one pure function decides it, and the renderings of what it lists. */
const NOW = new Date('2027-02-01T10:00:00.000Z');
const iso = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();

const person = (participantId: string, fields: Partial<Participant> = {}) =>
  participantIn('north', `${participantId}@school.test`, new Date(iso(-60)), { participantId, ...fields });

/** Asha's interim task, asked five days ago with a deadline in 20 days, as the lifecycle makes it. */
const ask = (fields: Partial<Request>): Request => ({
  ...newRequest(
    {
      requestId: 'interim-task#1-p-asha',
      kind: 'submission',
      participantId: 'p-asha',
      stepId: 'interim-task',
      attempt: 1,
      recipient: { name: 'Asha Patel', email: 'p-asha@school.test' },
    },
    { reminderAfterDays: [], expiresAfterDays: 25 },
    new Date(iso(-5)),
  ),
  ...fields,
});

describe('whom the participant waits on', () => {
  const programme = programmeById('ncetm-pd-lead');
  const asha = person('p-asha', {
    progress: { 'day-1': { outcome: 'attended', recordedAt: iso(-10), recordedBy: 'Casey' } },
  });

  it('an open ask waits on whom it asks, from when it was made until it is due; the soonest due of several', () => {
    // Day 2's register comes whatever else the participant is doing (here, the interim task).
    const register = ask({
      requestId: 'day-2-north',
      kind: 'attendance',
      participantId: undefined,
      cohortId: 'north',
      stepId: 'day-2',
      createdAt: iso(-2),
      expiresAt: iso(360),
      dueAt: iso(1),
    });
    const asks = pendingAsks(asha, programme, [ask({}), register], NOW);
    expect(waitingFor(asha, asks, { what: 'interim-task' }, NOW)).toEqual({
      on: 'cohort-lead',
      stage: 'in-programme',
      what: 'day-2',
      since: iso(-2),
      nextDeadline: iso(1),
    });
  });

  it('an expired ask waits on the admin, overdue since its deadline; an answered one or one done on the record on nobody', () => {
    const expired = ask({ expiresAt: iso(-1) });
    const waiting = waitingFor(
      asha,
      pendingAsks(asha, programme, [expired], NOW),
      { what: 'interim-task' },
      NOW,
    );
    expect(waiting).toMatchObject({ on: 'admin', since: iso(-1), nextDeadline: iso(-1) });
    expect(isOverdue(waiting, NOW)).toBe(true);
    const done = person('p-asha', {
      progress: { 'interim-task': { outcome: 'submitted', attempt: 1, submittedAt: iso(-1), answers: {} } },
    });
    expect(pendingAsks(done, programme, [expired, ask({ status: 'answered' })], NOW)).toEqual(noAsks());
  });

  it("an ask of theirs for a step they have not reached is their old cohort's, closed by a deferral: nobody waits on it", () => {
    const deferred = person('p-asha', { deferrals: [{ fromCohortId: 'south', reason: 'ill', at: iso(-2) }] });
    const oldTask = ask({ status: 'expired', expiresAt: iso(-1) });
    expect(pendingAsks(deferred, programme, [oldTask], NOW)).toEqual(noAsks());
    expect(pendingAsks(asha, programme, [oldTask], NOW).expired).toEqual([oldTask]);
  });

  it('with nothing asked, a date (never overdue), keeping since while it waits for the same; nobody once finished or withdrawn', () => {
    const onDate = waitingFor(asha, noAsks(), { what: 'day-2', at: new Date(iso(-1)) }, NOW);
    expect(onDate).toEqual({
      on: 'date',
      stage: 'in-programme',
      what: 'day-2',
      since: NOW.toISOString(),
      nextDeadline: iso(-1),
    });
    expect(isOverdue(onDate, NOW)).toBe(false);
    const later = new Date(NOW.getTime() + DAY);
    const again = waitingFor(
      { ...asha, waiting: onDate },
      noAsks(),
      { what: 'day-2', at: new Date(iso(-1)) },
      later,
    );
    expect(again.since).toBe(NOW.toISOString());
    expect(waitingChanged({ ...asha, waiting: onDate }, again)).toBe(false);
    expect(waitingChanged({ ...asha, waiting: onDate }, { ...again, nextDeadline: iso(2) })).toBe(true);
    expect(waitingFor(asha, noAsks(), undefined, NOW, 'completed')).toMatchObject({
      on: 'nobody',
      stage: 'completed',
    });
    const withdrawn = person('p-asha', { withdrawal: { reason: 'moved', at: iso(-1) } });
    expect(waitingFor(withdrawn, noAsks(), { what: 'day-2' }, NOW).on).toBe('nobody');
  });
});

const row = (fields: Partial<StatusRow>): StatusRow => ({
  participantId: 'p-1',
  name: 'Asha Patel',
  cohortId: 'north',
  stage: 'in-programme',
  overdue: false,
  ...fields,
});

describe('status rows and their table', () => {
  it('lists the overdue first, then the soonest due, then those with nothing due', () => {
    const waiting = (on: 'participant' | 'date', nextDeadline?: string) => ({
      on,
      stage: 'in-programme' as const,
      what: 'interim-task',
      since: iso(-3),
      ...(nextDeadline && { nextDeadline }),
    });
    const rows = statusRows(
      [
        person('p-none', { waiting: waiting('date') }),
        person('p-later', { waiting: waiting('participant', iso(5)) }),
        person('p-overdue', { waiting: waiting('participant', iso(-1)) }),
        person('p-soon', { waiting: waiting('date', iso(1)) }),
      ],
      NOW,
    );
    expect(rows.map((r) => [r.participantId, r.overdue])).toEqual([
      ['p-overdue', true],
      ['p-soon', false],
      ['p-later', false],
      ['p-none', false],
    ]);
  });

  it('prints aligned columns in London time, and says when nobody is listed', () => {
    const table = statusTable({
      asOf: NOW.toISOString(),
      rows: [
        row({
          waitingOn: 'cohort-lead',
          what: 'day-1',
          nextDeadline: '2027-06-01T16:00:00.000Z',
          overdue: true,
        }),
      ],
    });
    const [headings, rule, line, , total] = table.split('\n');
    expect(headings?.startsWith('Participant  Name        Cohort  Stage')).toBe(true);
    expect(rule?.startsWith('-----------  ----------  ------  ------------  ')).toBe(true);
    for (const [heading, cell] of [
      ['Waiting on', 'Cohort lead'],
      ['For', 'day-1'],
      ['Next deadline', '2027-06-01 17:00'],
      ['Overdue', 'OVERDUE'],
    ] as const)
      expect(line?.indexOf(cell), `${cell} under ${heading}`).toBe(headings?.indexOf(heading));
    expect(total).toBe('1 listed, 1 overdue. As of 2027-02-01 10:00 London time.');
    expect(statusTable({ asOf: NOW.toISOString(), rows: [] })).toBe(
      'Nobody to list. As of 2027-02-01 10:00 London time.\n',
    );
  });
});

describe('the programme report', () => {
  const programme = programmeById('ncetm-pd-lead');
  const accredited = person('p-a', {
    commitment: {
      decision: 'signed',
      signedBy: 'Sam',
      role: 'Head',
      answeredAt: iso(-50),
      textVersion: 'v1',
      ipAddress: '127.0.0.1',
      userAgent: 'test',
    },
    progress: {
      'day-1': { outcome: 'attended', recordedAt: iso(-40), recordedBy: 'Casey' },
      assessment: { outcome: 'accredited', attempt: 1, decidedAt: iso(-1), decidedBy: 'Casey' },
      'termly-autumn-2027': {
        outcome: 'reported',
        reportedAt: iso(300),
        counts: { teachers: 4, schools: 1 },
        answers: {},
      },
      'termly-spring-2027': {
        outcome: 'reported',
        reportedAt: iso(40),
        counts: { teachers: 10, schools: 2 },
        answers: {},
      },
    },
  });
  const absent = person('p-b', {
    progress: {
      'day-1': { outcome: 'absent', recordedAt: iso(-40), recordedBy: 'Casey' },
      'termly-spring-2027': {
        outcome: 'reported',
        reportedAt: iso(41),
        counts: { teachers: 5, schools: 1 },
        answers: {},
      },
    },
  });

  it("counts a cohort's funnel in the programme's order, and termly reach in calendar order", () => {
    expect(cohortFunnel(programme, [accredited, absent]).map((s) => [s.stage, s.participants])).toEqual([
      ['enrolled', 2],
      ['committed', 1],
      ['day-1', 1],
      ['interim-task', 0],
      ['day-2', 0],
      ['pdlperf', 0],
      ['accredited', 1],
      ['re-registered', 0],
    ]);
    expect(termlyReach([accredited, absent])).toEqual([
      { term: 'termly-spring-2027', title: 'Spring term 2027', reports: 2, teachers: 15, schools: 3 },
      { term: 'termly-autumn-2027', title: 'Autumn term 2027', reports: 1, teachers: 4, schools: 1 },
    ]);
  });

  const report: ProgrammeReport = {
    asOf: NOW.toISOString(),
    cohorts: [
      {
        cohortId: 'north',
        name: '=HYPERLINK("x"), "North" <b>',
        mathsHub: 'North Star Maths Hub',
        programme: 'PD Lead',
        funnel: [{ stage: 'enrolled', label: 'Enrolled', participants: 2 }],
      },
    ],
    overdue: [],
    reach: [],
  };

  it('CSV values are quoted where needed and cannot become spreadsheet formulas', () => {
    expect(programmeReportCsv(report).split('\r\n')[1]).toBe(
      `funnel,north,"'=HYPERLINK(""x""), ""North"" <b>",North Star Maths Hub,PD Lead,Enrolled,2,,,`,
    );
  });

  it('the HTML escapes what people typed and fetches nothing', () => {
    const page = programmeReportHtml(report);
    expect(page).toContain('=HYPERLINK(&quot;x&quot;), &quot;North&quot; &lt;b&gt;');
    expect(page).not.toMatch(/<script|<link|src=|url\(/);
    expect(page).toContain('<p>Nobody is overdue.</p>');
  });
});

describe('ISO weeks, London time', () => {
  it.each([
    ['2027-01-03T12:00:00Z', '2026-W53'],
    ['2027-01-04T00:30:00Z', '2027-W01'],
    ['2024-12-30T12:00:00Z', '2025-W01'],
    // 23:30 on Sunday in UTC is already Monday in London's summer time.
    ['2027-06-06T23:30:00Z', '2027-W23'],
  ])('%s is in %s', (instant, week) => expect(isoWeek(new Date(instant))).toBe(week));
});
