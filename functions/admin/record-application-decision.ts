import { applicationOutcomeEmail } from '../email/application-emails.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command } from './command.js';
import { enrolParticipant } from './enrol-participant.js';
import { confirmedApplication } from './schedule-interview.js';

/**
 * A Maths Hub lead's decision after the interview, recorded with who and when. Accepted, the applicant is
 * enrolled into the cohort through the admin's own enrolment (a place taken, conditionally; the
 * senior-leader commitment asked), before the decision is recorded, so a retry finishes a half-done run.
 * Declined, they are told. Run again with the same decision, it finishes what is left and sends nothing twice.
 */
export async function recordApplicationDecision(
  command: Command<'record-application-decision'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const application = await confirmedApplication(command.applicationId, deps);
  const decided = application.decision;
  if (decided && decided.outcome !== command.decision)
    throw new AdminCommandRejected(
      `Application ${application.applicationId} was already ${decided.outcome} by ${decided.decidedBy}`,
    );
  if (!decided && !application.interview)
    throw new AdminCommandRejected(`Application ${application.applicationId} has no interview yet`);
  const participantId =
    command.decision === 'accepted'
      ? (
          (await enrolParticipant(
            {
              command: 'enrol-participant',
              cohortId: application.cohortId,
              participant: application.person,
              school: application.school,
              seniorLeader: application.seniorLeader,
            },
            deps,
          )) as { participantId: string }
        ).participantId
      : undefined;
  const decision = decided ?? {
    outcome: command.decision,
    decidedBy: command.decidedBy,
    decidedAt: deps.clock.now().toISOString(),
    ...(command.reason ? { reason: command.reason } : {}),
  };
  if (!decided) await deps.store.applications.decide(application.applicationId, decision, participantId);
  await deps.mailer.send(
    applicationOutcomeEmail({ ...application, decision }, programmeById(application.programmeId)),
    `${application.applicationId}#outcome`,
  );
  return {
    command: 'record-application-decision',
    applicationId: application.applicationId,
    decision: decision.outcome,
    ...(participantId ? { participantId } : {}),
    alreadyDecided: Boolean(decided),
  };
}
