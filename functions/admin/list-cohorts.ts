import type { Dependencies } from '../shared/dependencies.js';

export interface CohortSummary {
  cohortId: string;
  name: string;
  programmeId: string;
  pathway: string;
  mathsHub: string;
  startsOn: string;
  cohortLead: string;
}

/** Every cohort, earliest start first: what an admin picks a cohort from. */
export async function listCohorts({ store }: Dependencies) {
  const cohorts = (await store.cohorts.list())
    .map(
      (cohort): CohortSummary => ({
        cohortId: cohort.cohortId,
        name: cohort.name,
        programmeId: cohort.programmeId,
        pathway: cohort.pathway,
        mathsHub: cohort.mathsHub,
        startsOn: cohort.startsOn,
        cohortLead: cohort.cohortLead.name,
      }),
    )
    .sort((a, b) => a.startsOn.localeCompare(b.startsOn) || a.cohortId.localeCompare(b.cohortId));
  return { command: 'list-cohorts' as const, cohorts };
}
