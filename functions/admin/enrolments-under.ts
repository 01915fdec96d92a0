import { isAnonymous } from '../domain/erasure.js';
import type { Participant } from '../domain/participant.js';
import type { Dependencies } from '../shared/dependencies.js';

/**
 * Every enrolment an email address has a part in: as the participant, and as the senior leader asked to
 * support one (a senior leader is no record of their own). Every cohort is read by Query, never a Scan; an
 * anonymous record of an erased participant is nobody's.
 */
export async function enrolmentsUnder(email: string, { store }: Dependencies) {
  const address = email.trim().toLowerCase();
  const everyone: Participant[] = [];
  for (const cohort of await store.cohorts.list())
    everyone.push(...(await store.participants.inCohort(cohort.cohortId)));
  const known = everyone.filter((p) => !isAnonymous(p));
  return {
    asParticipant: known.filter((p) => p.person.email.toLowerCase() === address),
    asSeniorLeader: known.filter((p) => p.seniorLeader.email.toLowerCase() === address),
  };
}
