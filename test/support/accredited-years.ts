import { expect, vi } from 'vitest';
import { termlyReports } from '../../functions/domain/accredited-years.js';
import { programmeById } from '../../functions/programmes/index.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { linkIn } from './local-system.js';
import { expectAccredited, post, programmeCohort, readyForDayOne, throughToAssessment } from './programme.js';

/** Drives an accredited lead through the years after accreditation, by the links in their emails. */

export const accreditedYearsPlan = () => {
  const plan = programmeById('ncetm-pd-lead').accreditation;
  if (!plan) throw new Error('The PD Lead programme accredits');
  return plan;
};

/** Accredited at the first attempt through every form of the programme, in a cohort of their own. */
export async function accreditedLead(system: LocalSystem, cohortId: string, email: string) {
  const cohort = await programmeCohort(system, cohortId);
  const who = await readyForDayOne(system, cohort.cohortId, email);
  const assessAsk = await throughToAssessment(system, cohort, who);
  expect((await post(linkIn(assessAsk), { decision: 'accredited' })).status).toBe(200);
  const { email: accreditedEmail, record } = await expectAccredited(system, who.participant, who);
  const accreditedAt = new Date(record?.accreditation?.accreditedAt ?? '');
  return {
    ...who,
    cohort,
    accreditedEmail,
    accreditedAt,
    terms: termlyReports(accreditedAt, accreditedYearsPlan().termlyFeedback),
  };
}

/** The lead's accredited-years executions, oldest first: one per stretch of under a year. */
export function accreditedYearsExecutions(system: LocalSystem, participantId: string) {
  return system.stepFunctions
    .listExecutions()
    .filter(
      (e) =>
        e.stateMachineArn === system.stateMachineArns.AccreditedYears &&
        e.name.startsWith(`${participantId}-`),
    )
    .sort((a, b) => a.startDate.getTime() - b.startDate.getTime());
}

/** Waits until the lead's newest accredited-years execution is parked in `state`; returns it. */
export async function parkedIn(system: LocalSystem, participantId: string, state: string) {
  // The newest execution at each look: one may hand over to the next while this waits.
  return vi.waitFor(
    () => {
      const newest = accreditedYearsExecutions(system, participantId).at(-1);
      if (newest?.status !== 'RUNNING') throw new Error('No running accredited-years execution');
      if (newest.parked?.state !== state)
        throw new Error(`${newest.name} is at ${newest.statesEntered.at(-1)}, not waiting at ${state}`);
      return newest;
    },
    { timeout: 10_000, interval: 20 },
  );
}

/** What a lead types into a termly report. */
export const termlyAnswers = {
  teachers: '14',
  schools: '3',
  pdLed: 'Two work groups on fractions & a staff meeting ("bar models").',
  impact: 'Teachers use bar models;\npupils explain their reasoning.',
};

/** What a lead unchanged since last year sends to re-register; `change` is what they correct. */
export const reRegistrationAnswers = (email: string, change: Record<string, string> = {}) => ({
  name: 'Asha Patel',
  email,
  organisation: 'Hillside Primary',
  teachers: '20',
  schools: '4',
  commit: 'yes',
  ...change,
});
