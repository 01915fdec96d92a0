import { CohortFull, enrolParticipant } from '../admin/enrol-participant.js';
import type { Cohort } from '../domain/cohort.js';
import type { Request } from '../domain/request.js';
import {
  answeredDecision,
  hasActions,
  type InvitationPlan,
  type Invited,
  invitationDeadline,
  invitationRequestId,
  planInvitations,
  type WaitingListEntry,
} from '../domain/waiting-list.js';
import { invitationEmail } from '../email/waiting-list-emails.js';
import { chase, ensureRequest } from '../lifecycle/asks.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';

/**
 * The executor of a cohort's invitations from its pathway's waiting list: it acts on what
 * `planInvitations` decided. Every action is a conditional write or keyed email, so any number of runs
 * (a retry, the form and the workflow at once) do each thing once.
 */

/** What the execution does next, with the revision it read first (see AwaitInvitationChange). */
export type InvitationsProgress = Pick<InvitationPlan, 'next' | 'waitingOn' | 'waitSeconds'> & {
  revision: number;
};

/** How many times one step decides and acts before it waits: after acting once there is normally nothing left. */
const LOOKS = 5;

/** Decides and acts until nothing is left to do now, then says what to wait for (or that it is over). */
export async function inviteFromWaitingList(
  cohortId: string,
  deps: Dependencies,
): Promise<InvitationsProgress> {
  for (let look = 1; ; look++) {
    // The revision before anything else: a change after this read is caught when the wait parks.
    const invitations = await deps.store.cohortInvitations.get(cohortId);
    const cohort = await deps.store.cohorts.get(cohortId);
    if (!invitations || !cohort) throw new Error(`Cohort ${cohortId} is not inviting from a waiting list`);
    const plan = await currentPlan(cohort, deps);
    const { next, waitingOn, waitSeconds } = plan;
    if (!hasActions(plan)) return { next, waitingOn, waitSeconds, revision: invitations.revision };
    await act(plan, cohort, deps);
    // Still moving after several goes (people joining and answering all the while): look again in a moment.
    if (look === LOOKS) return { next: 'wait', waitingOn, waitSeconds: 1, revision: invitations.revision };
  }
}

async function currentPlan(cohort: Cohort, deps: Dependencies): Promise<InvitationPlan> {
  const entries = await deps.store.waitingList.list(cohort.programmeId, cohort.pathway);
  const requests = new Map<string, Request>();
  for (const entry of entries) {
    if (entry.status !== 'invited' || entry.invitation?.cohortId !== cohort.cohortId) continue;
    const request = await deps.store.requests.get(entry.invitation.requestId);
    if (request) requests.set(request.requestId, request);
  }
  return planInvitations({
    cohort,
    placesTaken: await deps.store.cohorts.placesTaken(cohort.cohortId),
    entries,
    requests,
    now: deps.clock.now(),
  });
}

async function act(plan: InvitationPlan, cohort: Cohort, deps: Dependencies) {
  for (const invited of plan.settle) await settleInvitation(invited, cohort, deps);
  for (const invited of plan.lapse) await closeInvitation(invited, 'lapsed', deps);
  for (const invited of plan.withdraw) await closeInvitation(invited, 'waiting', deps);
  for (const { entry } of plan.send) await sendInvitation(entry, cohort, deps);
  for (const entry of plan.invite) {
    const invitation = {
      cohortId: cohort.cohortId,
      requestId: invitationRequestId(cohort.cohortId, entry.entryId),
      expiresAt: invitationDeadline(cohort, deps.clock.now()).toISOString(),
    };
    // Another cohort of the pathway may have invited them first: then they are not ours to invite.
    if (await deps.store.waitingList.invite(entry.entryId, invitation))
      await sendInvitation({ ...entry, status: 'invited', invitation }, cohort, deps);
  }
}

/** The invitation's request, created once, and its email with a link, sent once. */
async function sendInvitation(entry: WaitingListEntry, cohort: Cohort, deps: Dependencies) {
  const { invitation } = entry;
  if (!invitation) return;
  const deadline = new Date(invitation.expiresAt);
  const request = await ensureRequest(
    {
      requestId: invitation.requestId,
      kind: 'place-offer',
      cohortId: cohort.cohortId,
      waitingListEntryId: entry.entryId,
      recipient: { name: entry.person.name, email: entry.person.email },
    },
    { reminderAfterDays: [], expiresAfterDays: 1 },
    deps,
    deadline,
  );
  const programme = programmeById(cohort.programmeId);
  await chase(request, (link) => invitationEmail(entry, programme, cohort, link, deadline), deps);
}

/**
 * An unanswered invitation closes: past its deadline (`lapsed`, off the list) or withdrawn because the
 * cohort filled or started (`waiting`, keeping their place in the queue). The request closes first, so
 * an answer racing it either wins (and is settled on the next look) or finds the link expired.
 */
async function closeInvitation(
  { entry, request }: Invited,
  status: 'lapsed' | 'waiting',
  deps: Dependencies,
) {
  const requestId = entry.invitation?.requestId ?? '';
  if (request && !(await deps.store.requests.expire(requestId))) {
    const latest = await deps.store.requests.get(requestId);
    if (latest?.status === 'answered') return;
  }
  await deps.store.waitingList.settle(entry.entryId, requestId, status);
}

export type Settled = 'enrolled' | 'declined' | 'cohort-full';

/**
 * Carries out an answered invitation: accepted, they are enrolled through the admin's own enrolment
 * (which takes a place, conditionally, and starts their lifecycle: the senior-leader commitment);
 * declined, they leave the list. If the last place went meanwhile, they go back to waiting where they were.
 */
export async function settleInvitation(
  { entry, request }: Invited,
  cohort: Cohort,
  deps: Dependencies,
): Promise<Settled> {
  const requestId = entry.invitation?.requestId ?? '';
  if (answeredDecision(request) === 'declined') {
    await deps.store.waitingList.settle(entry.entryId, requestId, 'declined');
    return 'declined';
  }
  try {
    const { participantId } = (await enrolParticipant(
      {
        command: 'enrol-participant',
        cohortId: cohort.cohortId,
        participant: entry.person,
        school: entry.school,
        seniorLeader: entry.seniorLeader,
      },
      deps,
    )) as { participantId: string };
    await deps.store.waitingList.settle(entry.entryId, requestId, 'enrolled', participantId);
    return 'enrolled';
  } catch (error) {
    if (!(error instanceof CohortFull)) throw error;
    await deps.store.waitingList.settle(entry.entryId, requestId, 'waiting');
    return 'cohort-full';
  }
}

/** Tells the cohort's waiting execution to look again now (its revision moves on, so none is missed). */
export async function wakeCohortInvitations(cohortId: string, deps: Dependencies) {
  const token = await deps.store.cohortInvitations.change(cohortId);
  if (token) await deps.workflow.completeTask(token, { woken: true });
}

/** Someone joined the pathway's list: every cohort inviting from it looks again. */
export async function wakeInvitationsFor(
  entry: Pick<WaitingListEntry, 'programmeId' | 'pathway'>,
  deps: Dependencies,
) {
  for (const { cohortId } of await deps.store.cohortInvitations.ofPathway(entry.programmeId, entry.pathway))
    await wakeCohortInvitations(cohortId, deps);
}
