import { Cohort, ScheduleEntry } from '../domain/programme.js';
import { keys, type Table, withoutKeys } from './table.js';

/** Cohorts: their programme, pathway, Maths Hub, cohort lead and schedule. */
export class CohortItems {
  constructor(private readonly table: Table) {}

  /** Parsed on write, so no caller can store a schedule with a time that names no moment in London. */
  async create(cohort: Cohort): Promise<boolean> {
    return this.table.create({
      ...keys.cohort(cohort.cohortId),
      GSI1PK: 'COHORTS',
      GSI1SK: `COHORT#${cohort.cohortId}`,
      type: 'cohort',
      ...Cohort.parse(cohort),
    });
  }

  /** Every cohort (Query on GSI1, so no Scan): with `participants.inCohort`, everyone enrolled. */
  async list(): Promise<Cohort[]> {
    return (await this.table.queryGsi1('COHORTS', 'COHORT#')).map((item) => Cohort.parse(withoutKeys(item)));
  }

  async get(cohortId: string): Promise<Cohort | undefined> {
    const item = await this.table.get(keys.cohort(cohortId));
    return item && Cohort.parse(item);
  }

  /** A moved day or deadline, parsed on write like a new cohort's schedule. */
  async updateSchedule(
    cohortId: string,
    stepId: string,
    entry: Cohort['schedule'][string],
  ): Promise<boolean> {
    return this.table.update(
      keys.cohort(cohortId),
      'SET schedule.#step = :entry',
      'attribute_exists(PK)',
      { ':entry': ScheduleEntry.parse(entry) },
      { '#step': stepId },
    );
  }

  /** A new cohort lead: the cohort's asks from now on go to them. */
  async setCohortLead(cohortId: string, cohortLead: Cohort['cohortLead']): Promise<boolean> {
    return this.table.update(keys.cohort(cohortId), 'SET cohortLead = :lead', 'attribute_exists(PK)', {
      ':lead': Cohort.shape.cohortLead.parse(cohortLead),
    });
  }
}
