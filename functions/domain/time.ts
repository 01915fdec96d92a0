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
