import { describe, expect, it } from 'vitest';
import { Cohort } from '../../functions/domain/cohort.js';
import { Participant, type StepOutcome } from '../../functions/domain/participant.js';
import { Programme } from '../../functions/domain/programme.js';
import {
  currentAttempt,
  deadlineFor,
  position,
  scheduleProblems,
  stepById,
} from '../../functions/domain/progress.js';
import { ladderToDeadline } from '../../functions/domain/request.js';
import { DAY, londonTime, toLondonLocal } from '../../functions/domain/time.js';
import { programmeById } from '../../functions/programmes/index.js';

const pdLead = programmeById('ncetm-pd-lead');
const at = '2027-01-15T16:00:00.000Z';
const attended: StepOutcome = { outcome: 'attended', recordedAt: at, recordedBy: 'Casey Lead' };
const submitted = (attempt = 1): StepOutcome => ({
  outcome: 'submitted',
  attempt,
  submittedAt: at,
  answers: {},
});
const decided = (outcome: 'accredited' | 'resubmit' | 'not-accredited', attempt = 1): StepOutcome => ({
  outcome,
  attempt,
  decidedAt: at,
  decidedBy: 'Casey Lead',
  ...(outcome === 'resubmit' ? { resubmitBy: '2027-07-01T17:00' } : {}),
});

function participant(progress: Record<string, StepOutcome> = {}, deadlines: Record<string, string> = {}) {
  return Participant.parse({
    participantId: 'p-1',
    person: { name: 'Asha Patel', email: 'asha@school.test' },
    school: 'Hillside Primary',
    seniorLeader: { name: 'Sam Okafor', email: 'head@school.test' },
    programmeId: pdLead.id,
    pathway: 'primary',
    cohortId: 'north',
    stage: 'in-programme',
    enrolledAt: at,
    progress,
    deadlines,
  });
}

const cohort = Cohort.parse({
  cohortId: 'north',
  programmeId: pdLead.id,
  pathway: 'primary',
  mathsHub: 'North Star Maths Hub',
  name: 'North',
  cohortLead: { name: 'Casey Lead', email: 'lead@hub.test' },
  startsOn: '2027-01-14',
  schedule: {
    'day-1': { starts: '2027-01-14T18:00', ends: '2027-01-15T16:00', venue: 'Leeds' },
    'interim-task': { deadline: '2027-03-05T17:00' },
    'day-2': { starts: '2027-03-19T09:30', ends: '2027-03-19T16:00', venue: 'Leeds' },
    pdlperf: { deadline: '2027-05-14T17:00' },
  },
});

describe('position: where a participant is, from the record alone', () => {
  it('starts at the first step and moves past each step with an outcome', () => {
    expect(position(pdLead, participant())).toMatchObject({ at: { id: 'day-1' }, attempt: 1 });
    expect(position(pdLead, participant({ 'day-1': attended }))).toMatchObject({
      at: { id: 'interim-task' },
    });
    expect(position(pdLead, participant({ 'day-1': attended, 'interim-task': submitted() }))).toMatchObject({
      at: { id: 'interim-feedback' },
    });
  });

  it('a resubmission sends the framework and its assessment round again, as attempt 2', () => {
    const done = {
      'day-1': attended,
      'interim-task': submitted(),
      'interim-feedback': {
        outcome: 'feedback-given',
        givenAt: at,
        givenBy: 'Casey',
        feedback: 'Good',
      } as const,
      'day-2': attended,
      pdlperf: submitted(1),
    };
    const resubmit = participant({ ...done, assessment: decided('resubmit') });
    expect(currentAttempt(pdLead, resubmit)).toBe(2);
    expect(position(pdLead, resubmit)).toMatchObject({ at: { id: 'pdlperf' }, attempt: 2 });
    const resubmitted = participant({ ...done, pdlperf: submitted(2), assessment: decided('resubmit') });
    expect(position(pdLead, resubmitted)).toMatchObject({ at: { id: 'assessment' }, attempt: 2 });
    expect(position(pdLead, participant({ ...done, assessment: decided('accredited', 2) }))).toEqual({
      finished: 'accredited',
    });
    expect(position(pdLead, participant({ ...done, assessment: decided('not-accredited') }))).toEqual({
      finished: 'not-accredited',
    });
  });

  it('a programme without assessment finishes as completed', () => {
    const mastery = programmeById('primary-mastery-specialist');
    const all = Object.fromEntries(
      mastery.steps.map((s) => [s.id, s.kind === 'development-day' ? attended : submitted()]),
    );
    expect(position(mastery, participant(all))).toEqual({ finished: 'completed' });
  });
});

describe('deadlineFor', () => {
  const task = stepById(pdLead, 'interim-task', 'task');
  const framework = stepById(pdLead, 'pdlperf', 'framework-submission');

  it("is the cohort's deadline, in London time (GMT in March, BST in May)", () => {
    expect(deadlineFor(task, cohort, participant(), pdLead).toISOString()).toBe('2027-03-05T17:00:00.000Z');
    expect(deadlineFor(framework, cohort, participant(), pdLead).toISOString()).toBe(
      '2027-05-14T16:00:00.000Z',
    );
  });

  it("an extension beats the cohort's deadline; a resubmission date sets the framework's", () => {
    const extended = participant({}, { 'interim-task': '2027-03-19T17:00' });
    expect(deadlineFor(task, cohort, extended, pdLead).toISOString()).toBe('2027-03-19T17:00:00.000Z');
    const resubmit = participant({ assessment: decided('resubmit') });
    expect(deadlineFor(framework, cohort, resubmit, pdLead).toISOString()).toBe('2027-07-01T16:00:00.000Z');
  });
});

describe('scheduleProblems', () => {
  it('accepts a complete schedule in order', () => {
    expect(scheduleProblems(pdLead, cohort)).toEqual([]);
  });

  it('names each missing entry and each date out of order', () => {
    const { pdlperf: _, ...missing } = cohort.schedule;
    expect(scheduleProblems(pdLead, { ...cohort, schedule: missing })).toEqual([
      'pdlperf: give its deadline',
    ]);
    const early = { ...cohort.schedule, 'interim-task': { deadline: '2027-01-10T17:00' } };
    expect(scheduleProblems(pdLead, { ...cohort, schedule: early })).toEqual([
      'interim-task: deadline is before the day it follows',
    ]);
  });
});

describe('Programme definitions', () => {
  const base = { ...pdLead };

  it('refuse a repeated step id, feedback that is not on an earlier task, and an assessment of nothing', () => {
    const messages = (steps: unknown[]) =>
      Programme.safeParse({ ...base, steps }).error?.issues.map((i) => i.message) ?? [];
    const day = pdLead.steps[0];
    expect(messages([day, day])).toContain('step id "day-1" is used twice');
    expect(
      messages([day, { kind: 'formative-feedback', id: 'fb', title: 'Feedback', on: 'day-1' }]),
    ).toContain('feedback "fb" must follow the task it is on');
    expect(messages([day, { kind: 'assessment', id: 'a', title: 'Assessment', of: 'nothing' }])).toContain(
      'assessment "a" must follow the framework submission it assesses',
    );
  });

  it('an assessed programme must say what accreditation brings', () => {
    const { accreditation: _, ...withoutAccreditation } = base;
    expect(Programme.safeParse(withoutAccreditation).error?.issues[0]?.message).toBe(
      'an assessed programme accredits',
    );
  });
});

describe('time in England', () => {
  it('round-trips London wall-clock times through the clock changes', () => {
    for (const local of [
      '2027-01-15T09:30',
      '2027-03-27T23:30',
      '2027-03-28T03:00',
      '2027-07-01T17:00',
      '2027-10-31T03:00',
    ])
      expect(toLondonLocal(londonTime(local))).toBe(local);
  });
});

describe('ladderToDeadline', () => {
  it('puts reminders the given days before the deadline and drops those already past', () => {
    const now = new Date('2027-03-01T17:00:00.000Z');
    const ladder = ladderToDeadline(new Date(now.getTime() + 10 * DAY), [7, 2, 14], now);
    expect(ladder).toEqual({ reminderAfterDays: [3, 8], expiresAfterDays: 10 });
  });
});
