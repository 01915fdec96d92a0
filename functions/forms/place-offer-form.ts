import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Cohort } from '../domain/cohort.js';
import { pathwayNames } from '../domain/pathway.js';
import type { Request } from '../domain/request.js';
import { formatLondon, formatLondonDate } from '../domain/time.js';
import { answeredDecision, InvitationDecision } from '../domain/waiting-list.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';
import { type Settled, settleInvitation, wakeCohortInvitations } from '../waiting-list/invitations.js';
import type { RequestForm } from './form.js';
import { errorSummary, type FieldErrors, fieldError, formTitle, page } from './pages.js';

async function context(request: Request, deps: Dependencies) {
  const cohort = await deps.store.cohorts.get(request.cohortId ?? '');
  const entry = await deps.store.waitingList.get(request.waitingListEntryId ?? '');
  if (!cohort || !entry) throw new Error(`Invitation ${request.requestId} has no cohort or entry`);
  return { cohort, entry, programme: programmeById(cohort.programmeId) };
}

const startsOn = (cohort: Cohort) => formatLondonDate(new Date(`${cohort.startsOn}T12:00:00Z`));

/** Two buttons, one per answer: nothing to type, quick on a phone. */
async function invitationPage(request: Request, deps: Dependencies, errors: FieldErrors = {}) {
  const { cohort, entry, programme } = await context(request, deps);
  const title = 'A place for you on the programme';
  return page(
    Object.keys(errors).length ? 422 : 200,
    formTitle(title, errors),
    html`${errorSummary(errors, ['decision'])}<h1>${title}</h1>
<p>${entry.person.name}, a place has come up for you from the waiting list:</p>
<ul><li>${programme.name}, ${pathwayNames[cohort.pathway]} pathway</li><li>${cohort.name}, run by ${cohort.mathsHub}</li><li>Starts ${startsOn(cohort)}</li></ul>
<p>If you accept, we will ask ${entry.seniorLeader.name} at ${entry.school} to confirm your school will support you.</p>
<p>Please answer by ${formatLondon(new Date(request.expiresAt))}. After that the place goes to the next person.</p>
<form method="post" novalidate><fieldset><legend id="decision">Do you want the place?</legend>${fieldError(errors, 'decision')}
<button type="submit" name="decision" value="accepted">Accept the place</button>
<button type="submit" name="decision" value="declined" style="background:#505a5f;margin-left:8px">Decline it</button>
</fieldset></form>`,
  );
}

const outcomePages: Record<Settled, () => APIGatewayProxyResult> = {
  enrolled: () =>
    page(
      200,
      'Your place is booked',
      html`<h1>Your place is booked</h1><p>We have asked your senior leader to confirm your school will support you; you can start once they do. We will email you.</p><p>You can close this page.</p>`,
    ),
  declined: () =>
    page(
      200,
      'Thank you: you have declined the place',
      html`<h1>Thank you: you have declined the place</h1><p>It goes to the next person, and you are no longer on the waiting list. If you want to join it again, contact the programme team.</p>`,
    ),
  'cohort-full': () =>
    page(
      409,
      'Sorry, the last place has just been taken',
      html`<h1>Sorry, the last place has just been taken</h1><p>You keep your place at the front of the waiting list, and we will email you when another comes up.</p>`,
    ),
};

/** An invitation from the waiting list: accept (enrolled at once) or decline (the place passes on). */
export const placeOfferForm: RequestForm = {
  pageFollowsAnswer: true,

  fields: async () => ['decision'],

  show: (request, deps) => invitationPage(request, deps),

  async answer(request, values, _evidence, deps) {
    const decision = InvitationDecision.safeParse(values.decision);
    if (!decision.success)
      return invitationPage(request, deps, { decision: 'Choose whether you want the place' });
    const now = deps.clock.now();
    const answered = await deps.store.requests.answer(
      request,
      { answeredAt: now.toISOString(), answeredBy: request.recipient.name, invitation: decision.data },
      now,
    );
    if (!answered) return expiredInvitationPage();
    const { cohort, entry } = await context(request, deps);
    const settled = await settleInvitation({ entry, request: answered }, cohort, deps);
    await wakeCohortInvitations(cohort.cohortId, deps);
    return outcomePages[settled]();
  },

  async alreadyAnswered(request) {
    const decision = answeredDecision(request);
    return page(
      409,
      'You have already answered',
      html`<h1>You have already answered</h1><p>You ${decision === 'declined' ? 'declined' : 'accepted'} this place. There is nothing more to do.</p><p>If that is wrong, reply to the email you received and the programme team will help.</p>`,
    );
  },

  expired: async () => expiredInvitationPage(),
};

function expiredInvitationPage(): APIGatewayProxyResult {
  return page(
    410,
    'This invitation has closed',
    html`<h1>This invitation has closed</h1><p>The time to answer has passed, or the cohort has filled or started, so the place has gone to someone else.</p><p>If you think this is wrong, reply to the email you received and the programme team will help.</p>`,
  );
}
