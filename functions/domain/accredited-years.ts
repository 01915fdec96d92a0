import type { Participant } from './participant.js';
import type { Accreditation, Term } from './programme.js';
import { fivePmOn, londonTime, toLondonLocal } from './time.js';

/**
 * The accredited years, worked out from the accreditation date alone: which terms the lead reports on and
 * when each report is asked for and due, and when each year's re-registration is due. Like the programme's
 * position, nothing here depends on an execution: a restarted one finds the same asks.
 */

const TERM_ORDER: readonly Term[] = ['autumn', 'spring', 'summer'];
const termNames: Record<Term, string> = { autumn: 'Autumn', spring: 'Spring', summer: 'Summer' };

export interface TermlyReport {
  /** Where its outcome is kept on the participant, e.g. `termly-autumn-2027`. */
  id: string;
  /** "Autumn term 2027". */
  title: string;
  asksAt: Date;
  due: Date;
}

export interface ReRegistrationYear {
  /** 1 for the first anniversary of accreditation. */
  year: number;
  /** `re-registration-1` … */
  id: string;
  asksAt: Date;
  due: Date;
}

export const termlyReportId = (term: Term, year: number) => `termly-${term}-${year}`;
const termTitle = (term: Term, year: number) => `${termNames[term]} term ${year}`;

/** A termly report's term and title from its id (`termly-spring-2028`: Spring term 2028), in calendar order. */
export function termOf(reportId: string): { title: string; order: number } | undefined {
  const [, term, year] = /^termly-([a-z]+)-(\d{4})$/.exec(reportId) ?? [];
  if (!TERM_ORDER.includes(term as Term)) return undefined;
  const calendar: Term[] = ['spring', 'summer', 'autumn'];
  return {
    title: termTitle(term as Term, Number(year)),
    order: Number(year) * 10 + calendar.indexOf(term as Term),
  };
}

/** The London calendar date of an instant, as `YYYY-MM-DD`. */
const londonDate = (instant: Date) => toLondonLocal(instant).slice(0, 10);

/**
 * The terms reported on: the first `forTerms` whose ask comes after accreditation (a term that is nearly
 * over when someone is accredited is not theirs to report on).
 */
export function termlyReports(accreditedAt: Date, plan: Accreditation['termlyFeedback']): TermlyReport[] {
  const reports: TermlyReport[] = [];
  for (let year = Number(londonDate(accreditedAt).slice(0, 4)); reports.length < plan.forTerms; year++) {
    const thisYear = TERM_ORDER.map((term) => {
      const [month, day] = plan.termEnds[term].split('-').map(Number) as [number, number];
      return {
        id: termlyReportId(term, year),
        title: termTitle(term, year),
        asksAt: fivePmOn(year, month, day - plan.askDaysBeforeTermEnds),
        due: fivePmOn(year, month, day + plan.dueDaysAfterTermEnds),
      };
    }).sort((a, b) => a.asksAt.getTime() - b.asksAt.getTime());
    for (const report of thisYear)
      if (report.asksAt >= accreditedAt && reports.length < plan.forTerms) reports.push(report);
  }
  return reports;
}

export const reRegistrationId = (year: number) => `re-registration-${year}`;

/** Ids of the accredited years' asks, as the admin names them for an extension. */
export const isAccreditedYearsAsk = (stepId: string) =>
  /^(termly-[a-z]+-\d{4}|re-registration-\d+)$/.test(stepId);

/** Re-registration for the `year`th anniversary of accreditation. */
export function reRegistrationYear(
  accreditedAt: Date,
  year: number,
  plan: Accreditation['reRegistration'],
): ReRegistrationYear {
  const [y, m, d] = londonDate(accreditedAt).split('-').map(Number) as [number, number, number];
  return {
    year,
    id: reRegistrationId(year),
    asksAt: fivePmOn(y + year, m, d - plan.askDaysBefore),
    due: fivePmOn(y + year, m, d),
  };
}

/** How many years in a row, from the first, the lead has re-registered for. */
export function yearsReRegistered(participant: Participant): number {
  let years = 0;
  while (participant.progress[reRegistrationId(years + 1)]?.outcome === 're-registered') years++;
  return years;
}

/** The first year not yet re-registered for: the one whose anniversary is next. */
export const nextReRegistration = (
  participant: Participant,
  accreditedAt: Date,
  plan: Accreditation['reRegistration'],
): ReRegistrationYear => reRegistrationYear(accreditedAt, yearsReRegistered(participant) + 1, plan);

/** The deadline that applies: an extension the admin granted beats the plan's. */
export const deadlineOf = (participant: Participant, ask: { id: string; due: Date }): Date => {
  const own = participant.deadlines[ask.id];
  return own ? londonTime(own) : ask.due;
};
