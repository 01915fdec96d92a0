import { Application } from '../domain/application.js';
import { keys, type Table, ttlAfter, withoutKeys } from './table.js';

/** Applications to cohorts: the applicant's details and answers (personal data), interview and decision. */
export class ApplicationItems {
  constructor(private readonly table: Table) {}

  /**
   * Keeps an application sent on the public form, unconfirmed (not in the cohort's index, and left for
   * DynamoDB to remove a year after if never confirmed). A new one, or over one still unconfirmed (the
   * form sent again): false once it was confirmed.
   */
  send(application: Application): Promise<boolean> {
    const parsed = Application.parse(application);
    return this.table.putIf(
      {
        ...keys.application(parsed.applicationId),
        type: 'application',
        ttl: ttlAfter(parsed.sentAt),
        ...parsed,
      },
      'attribute_not_exists(PK) OR #status = :unconfirmed',
      { ':unconfirmed': 'unconfirmed' },
      { '#status': 'status' },
    );
  }

  async get(applicationId: string): Promise<Application | undefined> {
    const item = await this.table.get(keys.application(applicationId));
    return item && Application.parse(item);
  }

  /** The cohort's confirmed applications, in the order they were sent. */
  async ofCohort(cohortId: string): Promise<Application[]> {
    return (await this.table.queryGsi1(`APPLICATIONS#${cohortId}`)).map((item) =>
      Application.parse(withoutKeys(item)),
    );
  }

  /** Confirmed from the emailed link: in the cohort's applications from now. False if not unconfirmed. */
  confirm(application: Application): Promise<boolean> {
    return this.table.update(
      keys.application(application.applicationId),
      'SET #status = :submitted, GSI1PK = :cohort, GSI1SK = :order REMOVE #ttl',
      '#status = :unconfirmed',
      {
        ':submitted': 'submitted',
        ':unconfirmed': 'unconfirmed',
        ':cohort': `APPLICATIONS#${application.cohortId}`,
        ':order': `${application.sentAt}#${application.applicationId}`,
      },
      { '#status': 'status', '#ttl': 'ttl' },
    );
  }

  /** The interview, new or moved: only before a decision. */
  scheduleInterview(
    applicationId: string,
    interview: NonNullable<Application['interview']>,
  ): Promise<boolean> {
    return this.table.update(
      keys.application(applicationId),
      'SET #status = :scheduled, interview = :interview',
      '#status IN (:submitted, :scheduled)',
      { ':scheduled': 'interview-scheduled', ':submitted': 'submitted', ':interview': interview },
      { '#status': 'status' },
    );
  }

  /** The decision, once, after the interview; with the participant record of an accepted applicant. */
  decide(
    applicationId: string,
    decision: NonNullable<Application['decision']>,
    participantId?: string,
  ): Promise<boolean> {
    return this.table.update(
      keys.application(applicationId),
      `SET #status = :outcome, decision = :decision${participantId ? ', participantId = :participant' : ''}`,
      '#status = :scheduled',
      {
        ':outcome': decision.outcome,
        ':decision': decision,
        ':scheduled': 'interview-scheduled',
        ...(participantId ? { ':participant': participantId } : {}),
      },
      { '#status': 'status' },
    );
  }
}
