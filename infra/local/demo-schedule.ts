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

/**
 * A Primary Mastery Specialist cohort's schedule dated from `from`: three two-day residentials, the first
 * `firstDay` days on, with the intersessional tasks between them.
 */
export function masterySpecialistSchedule(from = new Date(), firstDay = 40) {
  const residential = (day: number) => ({
    starts: daysFromNow(day, '09:30', from),
    ends: daysFromNow(day + 1, '15:30', from),
    venue: 'Hub residential centre',
  });
  const later = (day: number) => firstDay - 40 + day;
  return {
    'residential-1': residential(firstDay),
    'colleague-task': { deadline: daysFromNow(later(80), '17:00', from) },
    'intervention-task': { deadline: daysFromNow(later(100), '17:00', from) },
    'residential-2': residential(later(110)),
    'big-idea-task': { deadline: daysFromNow(later(150), '17:00', from) },
    'residential-3': residential(later(170)),
  };
}
