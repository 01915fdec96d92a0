import { describe, expect, it } from 'vitest';
import {
  addDays,
  DAY,
  fivePmDaysAfter,
  formatLondon,
  LONDON,
  LondonLocalTime,
  londonTime,
} from '../../functions/domain/time.js';

const london = (iso: string) => formatLondon(new Date(iso));

describe('formatLondon', () => {
  it('reads summer times in British Summer Time (UTC+1)', () => {
    expect(london('2026-07-01T16:00:00Z')).toBe('Wednesday 1 July 2026 at 5:00 pm');
  });

  it('reads winter times in Greenwich Mean Time (UTC+0)', () => {
    expect(london('2026-12-01T17:00:00Z')).toBe('Tuesday 1 December 2026 at 5:00 pm');
    expect(london('2026-12-04T17:00:00Z')).toBe('Friday 4 December 2026 at 5:00 pm');
  });

  it('follows the clocks changing in March and October', () => {
    expect(london('2026-03-29T00:59:00Z')).toBe('Sunday 29 March 2026 at 12:59 am');
    expect(london('2026-03-29T01:00:00Z')).toBe('Sunday 29 March 2026 at 2:00 am');
    expect(london('2026-10-25T00:30:00Z')).toBe('Sunday 25 October 2026 at 1:30 am');
    expect(london('2026-10-25T01:30:00Z')).toBe('Sunday 25 October 2026 at 1:30 am');
  });

  it('gives the London date when it differs from the UTC one', () => {
    expect(london('2026-06-30T23:30:00Z')).toBe('Wednesday 1 July 2026 at 12:30 am');
  });

  it('writes midnight and noon on a 12-hour clock, with minutes padded', () => {
    expect(london('2026-12-01T00:05:00Z')).toBe('Tuesday 1 December 2026 at 12:05 am');
    expect(london('2026-12-01T12:00:00Z')).toBe('Tuesday 1 December 2026 at 12:00 pm');
  });

  it('uses the schools’ time zone', () => {
    expect(LONDON).toBe('Europe/London');
  });
});

describe('addDays', () => {
  it('adds whole 24-hour days, across a clock change', () => {
    expect(DAY).toBe(86_400_000);
    expect(addDays(new Date('2026-03-28T12:00:00Z'), 2).toISOString()).toBe('2026-03-30T12:00:00.000Z');
    expect(addDays(new Date('2026-03-28T12:00:00Z'), 0.5).toISOString()).toBe('2026-03-29T00:00:00.000Z');
  });
});

describe('London local times (what admins write in schedules, extensions and reinstatements)', () => {
  const problem = (local: string) => LondonLocalTime.safeParse(local).error?.issues[0]?.message;

  it('refuses a time of day that is not on the clock, instead of failing every step later', () => {
    expect(problem('2027-03-05T25:00')).toMatch(/^2027-03-05T25:00 is not a London time: .*00:00 to 23:59/);
    expect(problem('2027-03-05T17:60')).toMatch(/00:00 to 23:59/);
    expect(() => londonTime('2027-03-05T25:00')).toThrow(/2027-03-05T25:00 is not a London time/);
  });

  it('refuses a day the month does not have, instead of rolling it into the next month', () => {
    expect(problem('2027-02-30T17:00')).toBe(
      '2027-02-30T17:00 is not a London time: February 2027 has no day 30',
    );
    expect(problem('2027-02-29T17:00')).toBe(
      '2027-02-29T17:00 is not a London time: February 2027 has no day 29',
    );
    expect(problem('2027-04-31T17:00')).toMatch(/April 2027 has no day 31/);
    expect(() => londonTime('2027-02-30T17:00')).toThrow(/February 2027 has no day 30/);
    expect(problem('2028-02-29T17:00')).toBeUndefined();
    expect(londonTime('2028-02-29T17:00').toISOString()).toBe('2028-02-29T17:00:00.000Z');
  });

  it('refuses a time the clocks skip when they go forward in March', () => {
    expect(problem('2027-03-28T01:30')).toMatch(/01:30 on 2027-03-28 does not exist in London/);
    expect(() => londonTime('2027-03-28T01:30')).toThrow(/does not exist in London/);
    expect(londonTime('2027-03-28T00:59').toISOString()).toBe('2027-03-28T00:59:00.000Z');
    expect(londonTime('2027-03-28T02:00').toISOString()).toBe('2027-03-28T01:00:00.000Z');
  });

  it('reads a time the clocks pass twice in October as the first, still in summer time', () => {
    expect(problem('2027-10-31T01:30')).toBeUndefined();
    expect(londonTime('2027-10-31T01:30').toISOString()).toBe('2027-10-31T00:30:00.000Z');
    expect(londonTime('2027-10-31T02:00').toISOString()).toBe('2027-10-31T02:00:00.000Z');
  });

  it('reads ordinary summer and winter times', () => {
    expect(londonTime('2027-07-01T17:00').toISOString()).toBe('2027-07-01T16:00:00.000Z');
    expect(londonTime('2027-01-15T09:30').toISOString()).toBe('2027-01-15T09:30:00.000Z');
    expect(problem('2027-1-15T09:30')).toMatch(/like 2027-01-15T09:30/);
  });
});

describe('fivePmDaysAfter', () => {
  it('is 5 pm London time on the calendar day so many days after the London date, in either season', () => {
    expect(fivePmDaysAfter(new Date('2027-01-15T16:00:00Z'), 3).toISOString()).toBe(
      '2027-01-18T17:00:00.000Z',
    );
    // Across the clocks going forward: 5 pm BST is 4 pm UTC.
    expect(fivePmDaysAfter(new Date('2027-03-26T12:00:00Z'), 3).toISOString()).toBe(
      '2027-03-29T16:00:00.000Z',
    );
    // Just after midnight in London is already the next London day, though UTC is still on the last.
    expect(fivePmDaysAfter(new Date('2027-06-30T23:30:00Z'), 1).toISOString()).toBe(
      '2027-07-02T16:00:00.000Z',
    );
    // Past the month's end it rolls over.
    expect(fivePmDaysAfter(new Date('2027-01-30T10:00:00Z'), 3).toISOString()).toBe(
      '2027-02-02T17:00:00.000Z',
    );
  });
});
