import { DAY, toLondonLocal } from '../../functions/domain/time.js';

/** A London time `days` after `from` at `hour` ("17:00"), in the schedule's format. */
export function daysFromNow(days: number, hour: string, from = new Date()): string {
  return `${toLondonLocal(new Date(from.getTime() + days * DAY)).slice(0, 10)}T${hour}`;
}

/**
 * A PD Lead cohort's schedule dated from `from`: day 1 (a residential) in a month, the interim task, day 2,
 * then the PDLPERF. The demo cohort and the tests use it so their dates are always ahead of the clock.
 */
export function pdLeadSchedule(from = new Date()) {
  return {
    'day-1': {
      starts: daysFromNow(30, '18:00', from),
      ends: daysFromNow(31, '16:00', from),
      venue: 'Leeds Conference Centre',
    },
    'interim-task': { deadline: daysFromNow(70, '17:00', from) },
    'day-2': {
      starts: daysFromNow(84, '09:30', from),
      ends: daysFromNow(84, '16:00', from),
      venue: 'Leeds Conference Centre',
    },
    pdlperf: { deadline: daysFromNow(140, '17:00', from) },
  };
}
