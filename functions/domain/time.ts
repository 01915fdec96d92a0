import * as z from 'zod';

/** All deadlines shown to people are in the time zone of English schools. */
export const LONDON = 'Europe/London';

export const SECOND = 1000;
export const DAY = 86_400 * SECOND;

/** Injected everywhere "now" matters, so the local runtime and tests can move time forward. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A formatter made on first use, not at import: a process's first Intl.DateTimeFormat sets up ICU's
 * locale and time-zone data (about 20 ms of CPU), which a function that never formats a date need not pay.
 */
function formatter(options: Intl.DateTimeFormatOptions): () => Intl.DateTimeFormat {
  let made: Intl.DateTimeFormat | undefined;
  return () => {
    made ??= new Intl.DateTimeFormat('en-GB', options);
    return made;
  };
}

const londonDateTime = formatter({
  timeZone: LONDON,
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
});

/** "Friday 4 December 2026 at 5:00 pm", as read by someone in England. */
export function formatLondon(instant: Date): string {
  const parts = Object.fromEntries(
    londonDateTime()
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute} ${parts.dayPeriod}`;
}

/** The earliest of `instants`, if any. */
export const earliest = (instants: Date[]): Date | undefined =>
  instants.length ? new Date(Math.min(...instants.map((d) => d.getTime()))) : undefined;

export function addDays(instant: Date, days: number): Date {
  return new Date(instant.getTime() + days * DAY);
}

/**
 * A wall-clock time in England, as admins write dates in a cohort's schedule: "2027-01-15T09:30". Its
 * shape only (a month 01–12, a day 01–31, 00:00–23:59): `LondonLocalTime` also checks the day is in the
 * calendar and the time exists in London.
 */
export const LOCAL_DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d$/;

const londonParts = formatter({
  timeZone: LONDON,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const HOUR = 3600 * SECOND;

/** `londonInstants` by London time: the same few schedule times are read on every record. */
const knownInstants = new Map<string, number[]>();

/**
 * Every instant at which London's clocks read `local`, earliest first: one on most days, none in the
 * hour the clocks go forward (late March), two in the hour they go back (late October). London has been
 * at most two hours ahead of UTC, and never behind it.
 */
function londonInstants(local: string): Date[] {
  let instants = knownInstants.get(local);
  if (!instants) {
    const asUtc = Date.parse(`${local}:00Z`);
    instants = [2 * HOUR, HOUR, 0]
      .map((offset) => asUtc - offset)
      .filter((instant) => toLondonLocal(new Date(instant)) === local);
    if (knownInstants.size >= 10_000) knownInstants.clear();
    knownInstants.set(local, instants);
  }
  return instants.map((instant) => new Date(instant));
}

const monthYear = formatter({ timeZone: 'UTC', month: 'long', year: 'numeric' });

/** Why `local` names no moment in London, in words for the admin who typed it; undefined if it does. */
export function londonTimeProblem(local: string): string | undefined {
  if (!LOCAL_DATE_TIME.test(local)) return 'write a London time like 2027-01-15T09:30 (00:00 to 23:59)';
  const [year, month, day] = local.slice(0, 10).split('-').map(Number) as [number, number, number];
  // Date.UTC rolls 30 February into March: a day the month has comes back unchanged.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day)
    return `${monthYear().format(Date.UTC(year, month - 1, 1))} has no day ${day}`;
  if (londonInstants(local).length === 0)
    return `${local.slice(11)} on ${local.slice(0, 10)} does not exist in London: the clocks go forward an hour at 1 am that day`;
  return undefined;
}

/** A London wall-clock time that names a real moment: the schema every London time we store goes through. */
export const LondonLocalTime = z.string().superRefine((local, ctx) => {
  const problem = londonTimeProblem(local);
  if (problem) ctx.addIssue({ code: 'custom', message: `${local} is not a London time: ${problem}` });
});

/**
 * The instant a London wall-clock time names, through the clock changes. In the hour the clocks go back
 * it names the earlier moment (still summer time), so a deadline is never later than its reader thinks.
 * A time that names no moment (see `londonTimeProblem`) is refused, never rolled into another day.
 */
export function londonTime(local: string): Date {
  const [earliest] = LOCAL_DATE_TIME.test(local) ? londonInstants(local) : [];
  if (!earliest) throw new RangeError(`${local} is not a London time: ${londonTimeProblem(local)}`);
  return earliest;
}

/** "Friday 15 January 2027", for days where the hour does not matter. */
export function formatLondonDate(instant: Date): string {
  return formatLondon(instant).replace(/ at .*$/, '');
}

/** The London wall-clock time of an instant, in the schedule's format ("2027-01-15T09:30"). */
export function toLondonLocal(instant: Date): string {
  const p = Object.fromEntries(
    londonParts()
      .formatToParts(instant)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** Asks fall due at the end of a school day in England. */
const DUE_AT = '17:00';

/**
 * 5 pm London time on a calendar day; days past the month's end roll over (a 29 February anniversary
 * falls due on 1 March), so "21 days after the term ends" is counted in calendar days, not 24-hour ones.
 */
export function fivePmOn(year: number, month: number, day: number): Date {
  return londonTime(`${new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10)}T${DUE_AT}`);
}

/** 5 pm London time, `days` calendar days after the London date of `instant`. */
export function fivePmDaysAfter(instant: Date, days: number): Date {
  const [year, month, day] = toLondonLocal(instant).slice(0, 10).split('-').map(Number) as [
    number,
    number,
    number,
  ];
  return fivePmOn(year, month, day + days);
}
