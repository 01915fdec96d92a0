import type { Participant } from '../domain/participant.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command } from './command.js';

/** One accredited lead's reported reach: each term's report and each year's re-registration, as given. */
export interface LeadReach {
  participantId: string;
  name: string;
  organisation: string;
  stage: string;
  termly: { id: string; counts: Record<string, number>; answers: Record<string, string> }[];
  reRegistrations: { id: string; counts: Record<string, number> }[];
  missed: string[];
}

/** A lead's termly reports and re-registrations as recorded, and the asks they missed. */
export function leadReach(p: Participant): LeadReach {
  const outcomes = Object.entries(p.progress);
  return {
    participantId: p.participantId,
    name: p.person.name,
    organisation: p.school,
    stage: p.stage,
    termly: outcomes.flatMap(([id, o]) =>
      o.outcome === 'reported' ? [{ id, counts: o.counts, answers: o.answers }] : [],
    ),
    reRegistrations: outcomes.flatMap(([id, o]) =>
      o.outcome === 're-registered' ? [{ id, counts: o.counts }] : [],
    ),
    missed: outcomes.flatMap(([id, o]) => (o.outcome === 'missed' ? [id] : [])),
  };
}

/**
 * The reach and impact a cohort's accredited leads have reported, for the programme team's own reporting:
 * each lead's termly reports and re-registrations as recorded, and the asks they missed.
 */
export async function reachReport(
  command: Command<'reach-report'>,
  { store }: Dependencies,
): Promise<AdminResult> {
  if (!(await store.cohorts.get(command.cohortId)))
    throw new AdminCommandRejected(`No cohort "${command.cohortId}"`);
  const leads = (await store.participants.inCohort(command.cohortId))
    .filter((p) => p.accreditation)
    .map(leadReach);
  return { command: 'reach-report', cohortId: command.cohortId, leads };
}
