import { termlyReports } from '../../functions/domain/accredited-years.js';
import { Participant, participantIdFor } from '../../functions/domain/participant.js';
import { DAY } from '../../functions/domain/time.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { accreditedYearsPlan } from './accredited-years.js';

/** A participant record in a cohort, as enrolment makes it, with `record` on top. */
export const participantIn = (
  cohortId: string,
  email: string,
  enrolledAt: Date,
  record: Partial<Participant> = {},
): Participant =>
  Participant.parse({
    participantId: participantIdFor(cohortId, email),
    person: { name: 'Asha Patel', email },
    school: 'Hillside Primary',
    seniorLeader: { name: 'Sam Okafor', email: `head-of-${email}`, role: 'Head teacher' },
    programmeId: 'ncetm-pd-lead',
    pathway: 'primary',
    cohortId,
    stage: 'in-programme',
    enrolledAt: enrolledAt.toISOString(),
    ...record,
  });

/**
 * A participant record written straight to the table, for what only the admin can mend (a lapse, a
 * stopped execution): no execution runs for them until the test starts one.
 */
export async function participantRecord(
  system: LocalSystem,
  cohortId: string,
  email: string,
  record: Partial<Participant> = {},
) {
  const participant = participantIn(cohortId, email, system.clock.now(), record);
  await system.dependencies.store.participants.create(participant);
  return participant;
}

/** Accredited 400 days ago, every termly report of the first year missed, and never re-registered. */
export function accreditedLongAgo(system: LocalSystem) {
  const now = system.clock.now();
  const accreditedAt = new Date(now.getTime() - 400 * DAY);
  const missed = { outcome: 'missed' as const, at: now.toISOString() };
  return {
    stage: 'accredited' as const,
    accreditation: {
      verificationCode: 'TEST-0000-0001',
      accreditedAt: accreditedAt.toISOString(),
      listedInDirectory: false,
    },
    progress: Object.fromEntries(
      termlyReports(accreditedAt, accreditedYearsPlan().termlyFeedback).map((term) => [term.id, missed]),
    ),
  };
}
