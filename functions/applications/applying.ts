import { type Application, applicationConfirmationId, applicationIdFor } from '../domain/application.js';
import type { Cohort } from '../domain/cohort.js';
import type { Request } from '../domain/request.js';
import type { Applicant } from '../domain/waiting-list.js';
import { applicationReceivedEmail, confirmApplicationEmail } from '../email/application-emails.js';
import { chase, ensureRequest } from '../lifecycle/asks.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';

/** How long the emailed confirmation of an application works. */
const CONFIRM_WITHIN_DAYS = 7;

/**
 * An application sent on the public form: kept unconfirmed, and its sender emailed a link to confirm it
 * (double opt-in). One already confirmed is left as it was and nothing is sent; at most one confirmation
 * goes to an address a day.
 */
export async function sendApplication(
  cohort: Cohort,
  applicant: Applicant,
  answers: Pick<Application, 'answers' | 'prerequisiteConfirmed'>,
  deps: Dependencies,
): Promise<void> {
  const now = deps.clock.now();
  const application: Application = {
    ...applicant,
    ...answers,
    applicationId: applicationIdFor(cohort.cohortId, applicant.person.email),
    cohortId: cohort.cohortId,
    programmeId: cohort.programmeId,
    status: 'unconfirmed',
    sentAt: now.toISOString(),
  };
  if (!(await deps.store.applications.send(application))) return;
  const request = await ensureRequest(
    {
      requestId: applicationConfirmationId(application.applicationId, now),
      kind: 'application-confirmation',
      cohortId: cohort.cohortId,
      applicationId: application.applicationId,
      recipient: application.person,
    },
    { reminderAfterDays: [], expiresAfterDays: CONFIRM_WITHIN_DAYS },
    deps,
  );
  const programme = programmeById(cohort.programmeId);
  await chase(
    request,
    (link) => confirmApplicationEmail(application, programme, link, new Date(request.expiresAt)),
    deps,
  );
}

/** Confirmed from the emailed link: the application counts, and the programme team is told. */
export async function confirmApplication(request: Request, deps: Dependencies): Promise<boolean> {
  const application = await deps.store.applications.get(request.applicationId ?? '');
  if (!application) return false;
  const now = deps.clock.now();
  const confirmed = await deps.store.applications.confirm(application);
  await deps.mailer.send(
    applicationReceivedEmail(application, deps.settings.ADMIN_EMAIL),
    `${application.applicationId}#received`,
  );
  await deps.store.requests.answer(
    request,
    { answeredAt: now.toISOString(), answeredBy: request.recipient.name },
    now,
  );
  return confirmed;
}
