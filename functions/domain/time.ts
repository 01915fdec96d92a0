/** All deadlines shown to people are in the time zone of English schools. */
export const LONDON = 'Europe/London';

export const SECOND = 1000;
export const DAY = 86_400 * SECOND;

/** Injected everywhere "now" matters, so the local runtime and tests can move time forward. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

const londonDateTime = new Intl.DateTimeFormat('en-GB', {
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
  const parts = Object.fromEntries(londonDateTime.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute} ${parts.dayPeriod}`;
}

export function addDays(instant: Date, days: number): Date {
  return new Date(instant.getTime() + days * DAY);
}

/** A wall-clock time in England, as admins write dates in a cohort's schedule: "2027-01-15T09:30". */
export const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** How far London's clocks are ahead of UTC at `instant` (0 in winter, one hour in summer). */
function londonOffsetMs(instant: Date): number {
  const p = Object.fromEntries(londonParts.formatToParts(instant).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
  );
  return asUtc - Math.floor(instant.getTime() / 60_000) * 60_000;
}

/** The instant a London wall-clock time names, through the clock changes. */
export function londonTime(local: string): Date {
  const asUtc = new Date(`${local}:00Z`);
  const guess = new Date(asUtc.getTime() - londonOffsetMs(asUtc));
  return new Date(asUtc.getTime() - londonOffsetMs(guess));
}

/** "Friday 15 January 2027", for days where the hour does not matter. */
export function formatLondonDate(instant: Date): string {
  return formatLondon(instant).replace(/ at .*$/, '');
}

/** The London wall-clock time of an instant, in the schedule's format ("2027-01-15T09:30"). */
export function toLondonLocal(instant: Date): string {
  const p = Object.fromEntries(londonParts.formatToParts(instant).map((x) => [x.type, x.value]));
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
