import { Cohort, ScheduleEntry } from '../domain/cohort.js';
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

  /**
   * Takes one of a limited cohort's places for the participant: the set of their ids is the count, so a
   * retry takes no second place, and the condition on the same write means no two enrolments racing for
   * the last place both get it. False when the cohort is full.
   */
  takePlace(cohortId: string, participantId: string): Promise<boolean> {
    return this.table.update(
      keys.cohort(cohortId),
      'ADD placesTaken :taken',
      'attribute_not_exists(placesTaken) OR size(placesTaken) < #capacity OR contains(placesTaken, :id)',
      { ':taken': new Set([participantId]), ':id': participantId },
      { '#capacity': 'capacity' },
    );
  }

  async placesTaken(cohortId: string): Promise<number> {
    const item = await this.table.get(keys.cohort(cohortId));
    return item?.placesTaken instanceof Set ? item.placesTaken.size : 0;
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
