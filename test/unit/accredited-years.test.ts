import { describe, expect, it } from 'vitest';
import {
  deadlineOf,
  isAccreditedYearsAsk,
  nextReRegistration,
  reRegistrationId,
  reRegistrationYear,
  termlyReports,
} from '../../functions/domain/accredited-years.js';
import { Participant, type StepOutcome } from '../../functions/domain/participant.js';
import { Accreditation } from '../../functions/domain/programme.js';
import { formatLondon } from '../../functions/domain/time.js';
import { programmeById } from '../../functions/programmes/index.js';
import ncetmPdLead from '../../functions/programmes/ncetm-pd-lead.json' with { type: 'json' };

/**
 * The accredited years' timeline, from the accreditation date alone. Every expected instant below was
 * worked out by hand from the PD Lead plan (terms end 18 December, 27 March and 21 July; asked 14 days
 * before a term ends, due 21 days after it; re-registration asked 42 days before the anniversary), with
 * 5 pm London being 17:00Z in GMT and 16:00Z in BST (28 March to 31 October 2027, from 26 March 2028).
 */
const plan = Accreditation.parse(ncetmPdLead.accreditation);
const termly = plan.termlyFeedback;
const yearly = plan.reRegistration;

/** A report or re-registration as plain ISO strings, so a mismatch shows which instant is wrong. */
const iso = <T extends { asksAt: Date; due: Date }>({ asksAt, due, ...rest }: T) => ({
  ...rest,
  asksAt: asksAt.toISOString(),
  due: due.toISOString(),
});
const reportsFor = (accreditedAt: string, forTerms = termly.forTerms) =>
  termlyReports(new Date(accreditedAt), { ...termly, forTerms }).map(iso);

function lead({
  progress = {},
  deadlines = {},
}: {
  progress?: Record<string, StepOutcome>;
  deadlines?: Record<string, string>;
} = {}) {
  return Participant.parse({
    participantId: 'p-accredited',
    person: { name: 'Asha Patel', email: 'asha@school.test' },
    school: 'Hillside Primary',
    seniorLeader: { name: 'Sam Okafor', email: 'head@school.test' },
    programmeId: 'ncetm-pd-lead',
    pathway: 'primary',
    cohortId: 'north',
    stage: 'accredited',
    enrolledAt: '2026-09-01T09:00:00.000Z',
    accreditation: {
      verificationCode: 'ABCD-1234-EF56',
      accreditedAt: '2027-02-15T12:00:00.000Z',
      listedInDirectory: false,
    },
    progress,
    deadlines,
  });
}

const reRegistered = (at: string): StepOutcome => ({
  outcome: 're-registered',
  reRegisteredAt: at,
  contact: { name: 'Asha Patel', email: 'asha@school.test', organisation: 'Hillside Primary' },
  counts: { teachers: 20, schools: 4 },
  pledges: yearly.pledges,
});

describe('termlyReports', () => {
  it('reports on the next three terms, asked 14 days before each ends and due 21 days after, at 5 pm London', () => {
    expect(reportsFor('2027-02-15T12:00:00Z')).toEqual([
      {
        id: 'termly-spring-2027',
        title: 'Spring term 2027',
        // 13 March is GMT; 17 April, 21 days after 27 March, is BST.
        asksAt: '2027-03-13T17:00:00.000Z',
        due: '2027-04-17T16:00:00.000Z',
      },
      {
        id: 'termly-summer-2027',
        title: 'Summer term 2027',
        asksAt: '2027-07-07T16:00:00.000Z',
        due: '2027-08-11T16:00:00.000Z',
      },
      {
        id: 'termly-autumn-2027',
        title: 'Autumn term 2027',
        // 21 days after 18 December runs into the next calendar year.
        asksAt: '2027-12-04T17:00:00.000Z',
        due: '2028-01-08T17:00:00.000Z',
      },
    ]);
  });

  it('reads as 5 pm to someone in England, on both sides of the clock change', () => {
    const [spring] = termlyReports(new Date('2027-02-15T12:00:00Z'), termly);
    expect(spring && formatLondon(spring.asksAt)).toBe('Saturday 13 March 2027 at 5:00 pm');
    expect(spring && formatLondon(spring.due)).toBe('Saturday 17 April 2027 at 5:00 pm');
  });

  it('skips a term whose ask came before the accreditation, carrying on into the next school year', () => {
    expect(reportsFor('2027-03-20T12:00:00Z')).toEqual([
      {
        id: 'termly-summer-2027',
        title: 'Summer term 2027',
        asksAt: '2027-07-07T16:00:00.000Z',
        due: '2027-08-11T16:00:00.000Z',
      },
      {
        id: 'termly-autumn-2027',
        title: 'Autumn term 2027',
        asksAt: '2027-12-04T17:00:00.000Z',
        due: '2028-01-08T17:00:00.000Z',
      },
      {
        id: 'termly-spring-2028',
        title: 'Spring term 2028',
        asksAt: '2028-03-13T17:00:00.000Z',
        due: '2028-04-17T16:00:00.000Z',
      },
    ]);
  });

  it('keeps a term accredited exactly at its ask, and drops it a second later', () => {
    expect(reportsFor('2027-03-13T17:00:00Z', 1).map((r) => r.id)).toEqual(['termly-spring-2027']);
    expect(reportsFor('2027-03-13T17:00:01Z', 1).map((r) => r.id)).toEqual(['termly-summer-2027']);
  });

  it('starts in the next calendar year when accredited after the autumn ask', () => {
    expect(reportsFor('2027-12-10T10:00:00Z').map((r) => r.id)).toEqual([
      'termly-spring-2028',
      'termly-summer-2028',
      'termly-autumn-2028',
    ]);
  });

  it('reports on exactly forTerms terms', () => {
    expect(reportsFor('2027-02-15T12:00:00Z', 1).map((r) => r.id)).toEqual(['termly-spring-2027']);
    expect(reportsFor('2027-02-15T12:00:00Z', 5).map((r) => r.id)).toEqual([
      'termly-spring-2027',
      'termly-summer-2027',
      'termly-autumn-2027',
      'termly-spring-2028',
      'termly-summer-2028',
    ]);
    expect(reportsFor('2027-02-15T12:00:00Z', 7)).toHaveLength(7);
  });

  it('counts days in calendar days, not 24-hour ones, back across the October clock change', () => {
    // A term ending on 25 October 2027 (BST) with its report due 7 days later, on 1 November (GMT).
    const reports = termlyReports(new Date('2027-09-01T12:00:00Z'), {
      ...termly,
      termEnds: { autumn: '10-25', spring: '03-27', summer: '07-21' },
      askDaysBeforeTermEnds: 0,
      dueDaysAfterTermEnds: 7,
      forTerms: 1,
    });
    expect(reports.map(iso)).toEqual([
      {
        id: 'termly-autumn-2027',
        title: 'Autumn term 2027',
        asksAt: '2027-10-25T16:00:00.000Z',
        due: '2027-11-01T17:00:00.000Z',
      },
    ]);
  });
});

describe('reRegistrationYear', () => {
  it('falls due on each anniversary at 5 pm GMT in winter, asked 42 days before', () => {
    const accreditedAt = new Date('2027-02-15T12:00:00Z');
    expect(iso(reRegistrationYear(accreditedAt, 1, yearly))).toEqual({
      year: 1,
      id: 're-registration-1',
      asksAt: '2028-01-04T17:00:00.000Z',
      due: '2028-02-15T17:00:00.000Z',
    });
    expect(iso(reRegistrationYear(accreditedAt, 2, yearly))).toEqual({
      year: 2,
      id: 're-registration-2',
      asksAt: '2029-01-04T17:00:00.000Z',
      due: '2029-02-15T17:00:00.000Z',
    });
  });

  it('falls due at 5 pm BST (16:00Z) for a summer anniversary', () => {
    const year = reRegistrationYear(new Date('2027-07-10T09:00:00Z'), 1, yearly);
    expect(iso(year)).toEqual({
      year: 1,
      id: 're-registration-1',
      asksAt: '2028-05-29T16:00:00.000Z',
      due: '2028-07-10T16:00:00.000Z',
    });
    expect(formatLondon(year.due)).toBe('Monday 10 July 2028 at 5:00 pm');
  });

  it('asks in GMT for a deadline in BST', () => {
    expect(iso(reRegistrationYear(new Date('2027-04-20T08:00:00Z'), 1, yearly))).toMatchObject({
      asksAt: '2028-03-09T17:00:00.000Z',
      due: '2028-04-20T16:00:00.000Z',
    });
  });

  it('takes the anniversary from the London date of accreditation, not the UTC one', () => {
    // 23:30Z on 30 June is 00:30 on 1 July in London.
    expect(iso(reRegistrationYear(new Date('2027-06-30T23:30:00Z'), 1, yearly)).due).toBe(
      '2028-07-01T16:00:00.000Z',
    );
  });

  it('rolls a 29 February anniversary to 1 March in a year that is not a leap year', () => {
    const accreditedAt = new Date('2028-02-29T12:00:00Z');
    expect(iso(reRegistrationYear(accreditedAt, 1, yearly))).toEqual({
      year: 1,
      id: 're-registration-1',
      asksAt: '2029-01-18T17:00:00.000Z',
      due: '2029-03-01T17:00:00.000Z',
    });
    // 2032 is a leap year again.
    expect(iso(reRegistrationYear(accreditedAt, 4, yearly))).toMatchObject({
      asksAt: '2032-01-18T17:00:00.000Z',
      due: '2032-02-29T17:00:00.000Z',
    });
  });
});

describe('nextReRegistration', () => {
  const accreditedAt = new Date('2027-02-15T12:00:00Z');

  it('is year 1 until the lead has re-registered', () => {
    expect(nextReRegistration(lead(), accreditedAt, yearly).id).toBe('re-registration-1');
    const missed = lead({
      progress: { 're-registration-1': { outcome: 'missed', at: '2028-02-15T17:00:00Z' } },
    });
    expect(nextReRegistration(missed, accreditedAt, yearly).id).toBe('re-registration-1');
  });

  it('skips the years already re-registered for', () => {
    const once = lead({ progress: { [reRegistrationId(1)]: reRegistered('2028-01-20T10:00:00.000Z') } });
    expect(iso(nextReRegistration(once, accreditedAt, yearly))).toEqual({
      year: 2,
      id: 're-registration-2',
      asksAt: '2029-01-04T17:00:00.000Z',
      due: '2029-02-15T17:00:00.000Z',
    });
    const twice = lead({
      progress: {
        're-registration-1': reRegistered('2028-01-20T10:00:00.000Z'),
        're-registration-2': reRegistered('2029-01-20T10:00:00.000Z'),
      },
    });
    expect(nextReRegistration(twice, accreditedAt, yearly)).toMatchObject({
      year: 3,
      id: 're-registration-3',
    });
  });
});

describe('deadlineOf', () => {
  const ask = { id: 'termly-spring-2027', due: new Date('2027-04-17T16:00:00Z') };

  it('is the plan’s deadline without an extension', () => {
    expect(deadlineOf(lead(), ask).toISOString()).toBe('2027-04-17T16:00:00.000Z');
    const otherAsk = lead({ deadlines: { 'termly-summer-2027': '2027-09-01T17:00' } });
    expect(deadlineOf(otherAsk, ask).toISOString()).toBe('2027-04-17T16:00:00.000Z');
  });

  it('is the extension the admin granted, read as a London time', () => {
    const extendedInBst = lead({ deadlines: { 'termly-spring-2027': '2027-05-01T12:00' } });
    expect(deadlineOf(extendedInBst, ask).toISOString()).toBe('2027-05-01T11:00:00.000Z');
    const extendedInGmt = lead({ deadlines: { 'termly-spring-2027': '2027-03-20T09:30' } });
    expect(deadlineOf(extendedInGmt, ask).toISOString()).toBe('2027-03-20T09:30:00.000Z');
  });
});

describe('isAccreditedYearsAsk', () => {
  it('accepts the ids of termly reports and re-registrations', () => {
    for (const id of ['termly-autumn-2027', 'termly-spring-2028', 're-registration-1', 're-registration-3'])
      expect(isAccreditedYearsAsk(id), id).toBe(true);
  });

  it('rejects programme steps and malformed ids', () => {
    for (const id of [
      'pdlperf',
      'interim-task',
      're-registration-x',
      're-registration-',
      'termly-autumn-27',
      'termly-autumn-2027x',
      'xtermly-autumn-2027',
      'termly--2027',
      'Termly-autumn-2027',
      're-registration-1 ',
    ])
      expect(isAccreditedYearsAsk(id), id).toBe(false);
  });

  it('accepts the ids the timeline itself makes', () => {
    const ids = [
      ...termlyReports(new Date('2027-02-15T12:00:00Z'), { ...termly, forTerms: 6 }).map((r) => r.id),
      reRegistrationYear(new Date('2027-02-15T12:00:00Z'), 12, yearly).id,
    ];
    expect(ids).toContain('re-registration-12');
    expect(ids.every(isAccreditedYearsAsk)).toBe(true);
  });
});

describe('the Accreditation schema', () => {
  it('parses the PD Lead plan, as loaded with the programme', () => {
    expect(plan.termlyFeedback).toMatchObject({
      termEnds: { autumn: '12-18', spring: '03-27', summer: '07-21' },
      forTerms: 3,
      askDaysBeforeTermEnds: 14,
      dueDaysAfterTermEnds: 21,
    });
    expect(plan.reRegistration.askDaysBefore).toBe(42);
    expect(programmeById('ncetm-pd-lead').accreditation).toEqual(plan);
  });

  const withTermly = (change: Partial<typeof termly>) =>
    Accreditation.safeParse({ ...ncetmPdLead.accreditation, termlyFeedback: { ...termly, ...change } });
  const issuePaths = (result: ReturnType<typeof withTermly>) =>
    result.error?.issues.map((i) => i.path.join('.'));

  it('rejects a term end that is not a month and day', () => {
    for (const bad of ['13-01', '12-32', '00-10', '12-00', '1-5', '12/18', '2027-12-18']) {
      const result = withTermly({ termEnds: { ...termly.termEnds, autumn: bad } });
      expect(result.success, bad).toBe(false);
      expect(issuePaths(result), bad).toEqual(['termlyFeedback.termEnds.autumn']);
      expect(result.error?.issues[0]?.message).toBe('a month and day like 12-19');
    }
  });

  it('rejects a day the month does not have, which would silently roll into the next month', () => {
    for (const bad of ['02-30', '02-31', '04-31', '06-31', '09-31', '11-31']) {
      const result = withTermly({ termEnds: { ...termly.termEnds, spring: bad } });
      expect(issuePaths(result), bad).toEqual(['termlyFeedback.termEnds.spring']);
      expect(result.error?.issues[0]?.message).toBe('a day the month has');
    }
    expect(withTermly({ termEnds: { ...termly.termEnds, spring: '02-29' } }).success).toBe(true);
  });

  it('needs every term’s end, and at least one term and one day after it', () => {
    const { summer: _, ...twoTerms } = termly.termEnds;
    expect(withTermly({ termEnds: twoTerms as typeof termly.termEnds }).success).toBe(false);
    expect(issuePaths(withTermly({ forTerms: 0 }))).toEqual(['termlyFeedback.forTerms']);
    expect(issuePaths(withTermly({ dueDaysAfterTermEnds: 0 }))).toEqual([
      'termlyFeedback.dueDaysAfterTermEnds',
    ]);
    expect(withTermly({ forTerms: 4 }).success).toBe(true);
  });
});
