import { interviewEmail } from '../email/application-emails.js';
import { senderAddress } from '../lifecycle/advance-programme.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command } from './command.js';

/** The application, which must exist and be confirmed. */
export async function confirmedApplication(applicationId: string, { store }: Dependencies) {
  const application = await store.applications.get(applicationId);
  if (!application || application.status === 'unconfirmed')
    throw new AdminCommandRejected(`No confirmed application "${applicationId}"`);
  return application;
}

/**
 * Invites the applicant to their interview (a lesson observed by Maths Hub leads) with a calendar invite.
 * Moved, the invite updates (same UID, the next SEQUENCE); run again unchanged, nothing more is sent.
 */
export async function scheduleInterview(
  command: Command<'schedule-interview'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const application = await confirmedApplication(command.applicationId, deps);
  if (application.decision)
    throw new AdminCommandRejected(`Application ${application.applicationId} is already decided`);
  const { starts, ends, venue, observedBy } = command;
  if (starts >= ends) throw new AdminCommandRejected('The interview must end after it starts');
  const before = application.interview;
  const unchanged =
    before &&
    before.starts === starts &&
    before.ends === ends &&
    before.venue === venue &&
    before.observedBy.join('\n') === observedBy.join('\n');
  const sequence = before ? before.sequence + (unchanged ? 0 : 1) : 0;
  const interview = { starts, ends, venue, observedBy, sequence };
  if (!(await deps.store.applications.scheduleInterview(application.applicationId, interview)))
    throw new AdminCommandRejected(`Application ${application.applicationId} was decided meanwhile`);
  const programme = programmeById(application.programmeId);
  const cohort = await deps.store.cohorts.get(application.cohortId);
  const organizer = {
    name: cohort?.mathsHub ?? programme.name,
    email: senderAddress(deps.settings.EMAIL_FROM),
  };
  await deps.mailer.send(
    await interviewEmail({ ...application, interview }, programme, organizer, deps.clock.now()),
    `${application.applicationId}#interview#${sequence}`,
  );
  return { command: 'schedule-interview', applicationId: application.applicationId, sequence };
}
