import type { ReminderLadder } from '../domain/programme.js';
import {
  dueBy,
  hashLinkSecret,
  isExpired,
  ladderToDeadline,
  newLinkSecret,
  newRequest,
  nextChaseAt,
  type Request,
  recipientDigest,
  remindersDueBy,
} from '../domain/request.js';
import type { PendingAsks } from '../domain/waiting.js';
import type { EmailMessage } from '../email/message.js';
import type { Dependencies } from '../shared/dependencies.js';
import { formsUrl } from '../shared/forms-url.js';

/** The request, created on first use: every step that asks someone something starts here. */
export async function ensureRequest(
  subject: Parameters<typeof newRequest>[0],
  ladder: ReminderLadder,
  { store, clock }: Dependencies,
  deadline?: Date,
): Promise<Request> {
  // Read first: on every look after the first, the request is there, and one read is all it costs.
  const existing = await store.requests.get(subject.requestId);
  if (existing) return existing;
  const created = newRequest(subject, ladder, clock.now(), deadline);
  if (await store.requests.create(created)) return created;
  // Created in between by a concurrent run: that one is the request.
  const request = await store.requests.get(subject.requestId);
  if (!request) throw new Error(`Request ${subject.requestId} vanished after creation`);
  return request;
}

/** Composes the ask (reminder 0) or reminder n around a freshly minted link. */
export type AskEmail = (link: string, reminder: number) => EmailMessage;

/** Where a chased request stands; an open one says when it next needs chasing. */
export type Chase = { state: 'answered' | 'expired' } | { state: 'open'; nextAt: Date };

/**
 * Moves an open request on by whatever is due now: the first ask, a reminder, or expiry. Safe to run any
 * number of times: the request item records what was sent, and each email is sent once per key.
 */
export async function chase(request: Request, askEmail: AskEmail, deps: Dependencies): Promise<Chase> {
  const { store, clock } = deps;
  if (request.status === 'answered') return { state: 'answered' };
  const now = clock.now();
  if (isExpired(request, now)) {
    if (await store.requests.expire(request.requestId)) return { state: 'expired' };
    // Answered in the instant between our read and the expiry: the answer wins.
    const latest = await store.requests.get(request.requestId);
    return { state: latest?.status === 'answered' ? 'answered' : 'expired' };
  }
  // Reminders that fell due while nothing ran (a redriven execution) are covered by the one email that
  // goes now, the ask or the latest reminder: never a burst of them a second apart.
  const due = remindersDueBy(request, now);
  if (!request.invitedAt) {
    await emailWithLink(request, askEmail, 0, deps);
    await store.requests.markInvited(request.requestId, now);
    if (due > request.remindersSent)
      await store.requests.markReminderSent(request.requestId, due, request.remindersSent);
  } else if (due > request.remindersSent) {
    await emailWithLink(request, askEmail, due, deps);
    await store.requests.markReminderSent(request.requestId, due, request.remindersSent);
  }
  return { state: 'open', nextAt: nextChaseAt({ ...request, remindersSent: due }, now) };
}

/**
 * When to look at a chased request again: at its next reminder, due date or deadline. An answered one
 * adds no time: its outcome went on the participant's record before it was answered, bumping their
 * revision, so a look that missed it cannot start waiting (the wait bounces straight back). An expired
 * one needs nothing until somebody acts, which wakes the execution. Polling either would fill the
 * execution's history.
 */
export const lookAgainAt = (progress: Chase): Date[] => (progress.state === 'open' ? [progress.nextAt] : []);

/**
 * An ask with a deadline (a submission, termly feedback, re-registration): created once, reminders the
 * given days before the deadline, then chased. If the deadline has moved since it was created (an
 * extension, a changed date), the open ask is re-planned on the new one and asked afresh.
 */
export async function askByDeadline(
  subject: Parameters<typeof newRequest>[0],
  deadline: Date,
  remindersDaysBefore: number[],
  askEmail: (link: string, reminder: number, extended: boolean) => EmailMessage,
  deps: Dependencies,
): Promise<{ request: Request; progress: Chase }> {
  const now = deps.clock.now();
  const ladder = ladderToDeadline(deadline, remindersDaysBefore, now);
  let request = await deps.store.requests.get(subject.requestId);
  const extended = Boolean(request && request.expiresAt !== deadline.toISOString());
  if (request && extended && request.status !== 'answered') {
    await deps.store.requests.reopen(subject.requestId, deadline, ladder.reminderAfterDays, now);
    request = await deps.store.requests.get(subject.requestId);
  }
  request ??= await ensureRequest(subject, ladder, deps, deadline);
  if (!request) throw new Error(`Request ${subject.requestId} vanished`);
  const progress = await chase(request, (link, reminder) => askEmail(link, reminder, extended), deps);
  return { request, progress };
}

/** Notes a chased ask among those the participant waits for: an open one on whom it asks, an expired one on the admin. */
export function notePending(asks: PendingAsks, { request, progress }: { request: Request; progress: Chase }) {
  if (progress.state === 'open') asks.open.push(request);
  if (progress.state === 'expired') asks.expired.push(request);
}

/** Asks with a due date stay open this long after it: the cohort lead is reminded, never cut off. */
const OPEN_AFTER_DUE_DAYS = 365;

/**
 * An ask with a due date that stays open past it (the cohort lead's): created once, due by `due` as it
 * was when first asked, with reminders the given days before it, then chased. Every email says the
 * same due date.
 */
export async function askByDueDate(
  subject: Parameters<typeof newRequest>[0],
  due: Date,
  remindersDaysBefore: number[],
  askEmail: (link: string, reminder: number, due: Date) => EmailMessage,
  deps: Dependencies,
): Promise<{ request: Request; progress: Chase }> {
  const toDue = ladderToDeadline(due, remindersDaysBefore, deps.clock.now());
  const request = await ensureRequest(
    { ...subject, dueAt: due.toISOString() },
    { ...toDue, expiresAfterDays: toDue.expiresAfterDays + OPEN_AFTER_DUE_DAYS },
    deps,
  );
  const progress = await chase(request, (link, reminder) => askEmail(link, reminder, dueBy(request)), deps);
  return { request, progress };
}

/**
 * Tells the admin, once, that an open ask is past its due date; it stays open. Sent before it is marked
 * (keyed, so a retry never sends it twice), so a failure between the two loses nothing.
 */
export async function reportOverdue(request: Request, email: () => EmailMessage, deps: Dependencies) {
  const now = deps.clock.now();
  if (request.status !== 'open' || !request.dueAt || request.overdueReportedAt || now < dueBy(request))
    return;
  await deps.mailer.send(email(), `${request.requestId}#${request.dueAt}#overdue`);
  await deps.store.requests.markOverdueReported(request.requestId, now);
}

/** Stores a link for `secret` (only hashes of it and of the address it goes to) lasting as long as the request. */
async function keepLink(secret: string, request: Request, sentTo: string, deps: Dependencies) {
  const linkHash = hashLinkSecret(secret);
  await deps.store.links.create({
    linkHash,
    requestId: request.requestId,
    ...(request.participantId && { participantId: request.participantId }),
    sentTo: recipientDigest(linkHash, sentTo),
    createdAt: deps.clock.now().toISOString(),
    expiresAt: request.expiresAt,
  });
}

const formUrl = (secret: string, deps: Dependencies) => formsUrl(deps.settings, `r/${secret}`);

/** A fresh link to the request's form, for the address it will be emailed to. */
export async function mintLink(request: Request, sentTo: string, deps: Dependencies): Promise<string> {
  const secret = newLinkSecret();
  await keepLink(secret, request, sentTo, deps);
  return formUrl(secret, deps);
}

/**
 * Each email gets a fresh link, tied to the address the email goes to; any of them opens the form until
 * the request is answered or expires, or the record's address for the ask changes.
 */
async function emailWithLink(request: Request, askEmail: AskEmail, reminder: number, deps: Dependencies) {
  const secret = newLinkSecret();
  const email = askEmail(formUrl(secret, deps), reminder);
  await keepLink(secret, request, email.to, deps);
  // Keyed by the ask, its deadline and the address, not the link: a retry mints a new link but never
  // sends a second email, while an extension (a new deadline), a corrected address or a resend is a new ask.
  const resent = request.resends ? `#resend-${request.resends}` : '';
  await deps.mailer.send(
    email,
    `${request.requestId}#${request.expiresAt}#${email.to}#ask#${reminder}${resent}`,
  );
}
