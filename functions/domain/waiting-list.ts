import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { Cohort } from './cohort.js';
import { OrganisationName, Person, SeniorLeader } from './participant.js';
import { Pathway } from './pathway.js';
import { isExpired, type Request, secondsUntil } from './request.js';
import { earliest, fivePmDaysAfter, londonTime } from './time.js';

/**
 * The waiting list of a programme's pathway (FE today: no cohort open). People join it (the admin adds
 * them, or they register interest and confirm by an emailed link); when the admin opens a cohort with a
 * capacity to it, they are invited in the order they joined, each with a deadline to accept. A declined
 * or lapsed invitation passes the place to the next person; accepting enrols them.
 */

/** How long an invitation stays open (never past the cohort's start). */
export const ACCEPT_WITHIN_DAYS = 7;

export const EntryStatus = z.enum([
  /** Registered on the public form, not yet confirmed from the emailed link: not on the list. */
  'unconfirmed',
  'waiting',
  'invited',
  'enrolled',
  /** Declined an invitation: off the list (the admin may add them again). */
  'declined',
  /** Let an invitation pass its deadline: off the list. */
  'lapsed',
]);
export type EntryStatus = z.infer<typeof EntryStatus>;

/** Statuses from which someone may join (again): the place in the queue is when they join. */
export const JOINABLE: readonly EntryStatus[] = ['unconfirmed', 'declined', 'lapsed'];

export const WaitingListEntry = z.object({
  entryId: z.string(),
  programmeId: z.string(),
  pathway: Pathway,
  person: Person,
  school: OrganisationName,
  seniorLeader: SeniorLeader,
  status: EntryStatus,
  registeredAt: z.iso.datetime(),
  /** When they joined the list (confirmed, or added by the admin): the order they are invited in. */
  joinedAt: z.iso.datetime().optional(),
  /** The current or last invitation. */
  invitation: z
    .object({ cohortId: z.string(), requestId: z.string(), expiresAt: z.iso.datetime() })
    .optional(),
  /** Once enrolled: their participant record. */
  participantId: z.string().optional(),
});
export type WaitingListEntry = z.infer<typeof WaitingListEntry>;

/** Who joins: the same details the admin gives to enrol someone. */
export const Applicant = z.object({ person: Person, school: OrganisationName, seniorLeader: SeniorLeader });
export type Applicant = z.infer<typeof Applicant>;

/** One entry per person per programme pathway: joining twice lands on the same entry. */
export function entryIdFor(programmeId: string, pathway: Pathway, email: string): string {
  const digest = createHash('sha256')
    .update(`${programmeId}\n${pathway}\n${email.trim().toLowerCase()}`)
    .digest('hex');
  return `w-${digest.slice(0, 24)}`;
}

export const invitationRequestId = (cohortId: string, entryId: string) =>
  `place-offer-${cohortId}-${entryId}`;

/** One confirmation per entry per day at most: a form posted again and again emails nobody twice a day. */
export const confirmationRequestId = (entryId: string, now: Date) =>
  `waiting-list-confirmation-${entryId}-${now.toISOString().slice(0, 10)}`;

export const InvitationDecision = z.enum(['accepted', 'declined']);
export type InvitationDecision = z.infer<typeof InvitationDecision>;

/** The cohort's start, when invitations close: midnight London time on its first day. */
export const invitationsCloseAt = (cohort: Pick<Cohort, 'startsOn'>) =>
  londonTime(`${cohort.startsOn}T00:00`);

/** An invitation sent now is open until 5 pm a week later, or until the cohort starts if that is sooner. */
export function invitationDeadline(cohort: Pick<Cohort, 'startsOn'>, now: Date): Date {
  const week = fivePmDaysAfter(now, ACCEPT_WITHIN_DAYS);
  const closes = invitationsCloseAt(cohort);
  return week < closes ? week : closes;
}

/** An invited entry with its invitation's request (absent if a crash came between the two writes). */
export interface Invited {
  entry: WaitingListEntry;
  request?: Request;
}

/** The answer recorded on an invitation's request, if any. */
export const answeredDecision = (request?: Request): InvitationDecision | undefined => {
  const answer = request?.status === 'answered' ? request.answer : undefined;
  return answer && 'invitation' in answer ? answer.invitation : undefined;
};

export interface InvitationPlan {
  /** Invitations answered (on their request) whose entry does not say so yet: enrol, or take off the list. */
  settle: Invited[];
  /** Invitations past their deadline unanswered: off the list, the place passes on. */
  lapse: Invited[];
  /** Invitations still open once the cohort is full or has started: withdrawn, they keep their place in the queue. */
  withdraw: Invited[];
  /** Invited and recorded, but the request or its email not yet made (a crash part-way): make them. */
  send: Invited[];
  /** The next people in the queue, one per place free. */
  invite: WaitingListEntry[];
  /** What the execution does next: wait (for answers, deadlines or someone joining), or end. */
  next: 'wait' | 'full' | 'closed';
  /** What it waits on: answers to open invitations, or nobody yet (a place is free and the queue empty). */
  waitingOn: 'invitations' | 'waiting-list';
  waitSeconds: number;
}

/**
 * Decides, from one read, what the cohort's invitations need now. Places free are the capacity less
 * those taken (enrolled, by anyone) and the invitations still open; each goes to the next person in the
 * order they joined. Pure: `inviteFromWaitingList` acts on it.
 */
export function planInvitations({
  cohort,
  placesTaken,
  entries,
  requests,
  now,
}: {
  cohort: Cohort;
  placesTaken: number;
  /** The pathway's whole list, in the order they joined. */
  entries: WaitingListEntry[];
  requests: Map<string, Request>;
  now: Date;
}): InvitationPlan {
  const capacity = cohort.capacity ?? 0;
  const invitedHere = entries
    .filter((e) => e.status === 'invited' && e.invitation?.cohortId === cohort.cohortId)
    .map((entry) => ({ entry, request: requests.get(entry.invitation?.requestId ?? '') }));
  const settle = invitedHere.filter(({ request }) => answeredDecision(request));
  const unanswered = invitedHere.filter((i) => !settle.includes(i));
  const closed = now >= invitationsCloseAt(cohort);
  const pastDeadline = ({ entry, request }: Invited) =>
    request ? isExpired(request, now) : now >= new Date(entry.invitation?.expiresAt ?? 0);
  const lapse = unanswered.filter(pastDeadline);
  const open = unanswered.filter((i) => !lapse.includes(i));
  const full = placesTaken >= capacity;
  const withdraw = full || closed ? open : [];
  const stillOpen = open.filter((i) => !withdraw.includes(i));
  const send = stillOpen.filter(({ request }) => !request?.invitedAt);
  // Acceptances not yet enrolled will take a place each: they are not free.
  const free = Math.max(0, capacity - placesTaken - stillOpen.length - settle.length);
  const invite = closed ? [] : entries.filter((e) => e.status === 'waiting').slice(0, free);
  const deadlines = [
    ...stillOpen.map(({ entry }) => new Date(entry.invitation?.expiresAt ?? 0)),
    ...(invite.length ? [invitationDeadline(cohort, now)] : []),
  ];
  const next = full && !settle.length ? 'full' : closed ? 'closed' : 'wait';
  return {
    settle,
    lapse,
    withdraw,
    send,
    invite,
    next,
    waitingOn: deadlines.length ? 'invitations' : 'waiting-list',
    // Its execution ends when the cohort starts (within 300 days of the admin's command): no later wait.
    waitSeconds: secondsUntil(earliest(deadlines) ?? invitationsCloseAt(cohort), now),
  };
}

/** Whether a plan has anything to do; a plan with nothing to do is where the execution waits or ends. */
export const hasActions = (plan: InvitationPlan) =>
  [plan.settle, plan.lapse, plan.withdraw, plan.send, plan.invite].some((list) => list.length > 0);
