import type { RequestsRead } from '../data/store.js';
import type { ReminderLadder } from '../domain/programme.js';
import {
  dueBy,
  hashLinkSecret,
  isExpired,
  ladderToDeadline,
  linkPath,
  newLinkSecret,
  newRequest,
  nextChaseAt,
  type Request,
  type RequestLink,
  recipientDigest,
  remindersDueBy,
} from '../domain/request.js';
import type { PendingAsks } from '../domain/waiting.js';
import type { EmailMessage } from '../email/message.js';
import type { Dependencies } from '../shared/dependencies.js';
import { formsUrl } from '../shared/forms-url.js';

/**
 * The request as the step's look read it (`read`: undefined, none yet), or as read now if the look did
 * not; when there is none, a new one, not yet stored (`stored: false`): chasing it stores it with its
 * first ask, in the write that claims that email.
 */
export async function requestToChase(
  subject: Parameters<typeof newRequest>[0],
  ladder: ReminderLadder,
  { store, clock }: Dependencies,
  deadline?: Date,
  read?: RequestsRead,
): Promise<{ request: Request; stored: boolean }> {
  const existing = read?.has(subject.requestId)
    ? read.get(subject.requestId)
    : await store.requests.get(subject.requestId);
  if (existing) return { request: existing, stored: true };
  return { request: newRequest(subject, ladder, clock.now(), deadline), stored: false };
}

/** The request, created on first use, for a step that does more with it than chase it (a link of its own). */
export async function ensureRequest(
  subject: Parameters<typeof newRequest>[0],
  ladder: ReminderLadder,
  deps: Dependencies,
  deadline?: Date,
  read?: RequestsRead,
): Promise<Request> {
  const { request, stored } = await requestToChase(subject, ladder, deps, deadline, read);
  if (stored || (await deps.store.requests.create(request))) return request;
  return storedRequest(request.requestId, deps);
}

/** A request made in between by a concurrent run: that one is the request. */
async function storedRequest(requestId: string, { store }: Dependencies): Promise<Request> {
  const request = await store.requests.get(requestId);
  if (!request) throw new Error(`Request ${requestId} vanished after creation`);
  return request;
}

/** Composes the ask (reminder 0) or reminder n around a freshly minted link. */
export type AskEmail = (link: string, reminder: number) => EmailMessage;

/** Where a chased request stands; an open one says when it next needs chasing. */
export type Chase = { state: 'answered' | 'expired' } | { state: 'open'; nextAt: Date };

/**
 * Moves an open request on by whatever is due now: the first ask, a reminder, or expiry. Safe to run any
 * number of times: the request item records what was sent, and each email is sent once. A request not
 * yet `stored` is stored by the claim of its first ask (or, past its deadline already, as it is).
 */
export async function chase(
  request: Request,
  askEmail: AskEmail,
  deps: Dependencies,
  stored = true,
): Promise<Chase> {
  const { store, clock } = deps;
  if (request.status === 'answered') return { state: 'answered' };
  const now = clock.now();
  if (isExpired(request, now)) {
    // First asked past its deadline (a redriven execution): kept as made, expired, in one write; or
    // made meanwhile by a concurrent run, and chased as that one stands.
    if (!stored)
      return (await store.requests.create({ ...request, status: 'expired' }))
        ? { state: 'expired' }
        : chase(await storedRequest(request.requestId, deps), askEmail, deps);
    if (await store.requests.expire(request.requestId)) return { state: 'expired' };
    // Answered in the instant between our read and the expiry: the answer wins.
    const latest = await store.requests.get(request.requestId);
    return { state: latest?.status === 'answered' ? 'answered' : 'expired' };
  }
  // Reminders that fell due while nothing ran (a redriven execution) are covered by the one email that
  // goes now, the ask or the latest reminder: never a burst of them a second apart.
  const due = remindersDueBy(request, now);
  const reminder = !request.invitedAt ? 0 : due > request.remindersSent ? due : undefined;
  // Not stored and not sent: a concurrent run made it (and asked it) in the instant since the look read
  // none, on the same plan: a cohort's register, asked by the look of each of its participants as the day
  // ends. It stands as this run would have made it, so it is not read back; an answer goes on the record
  // first, so a wait that missed one bounces straight back.
  if (reminder !== undefined) await emailWithLink(request, stored, askEmail, reminder, due, deps);
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
  read?: RequestsRead,
): Promise<{ request: Request; progress: Chase }> {
  const now = deps.clock.now();
  const ladder = ladderToDeadline(deadline, remindersDaysBefore, now);
  const toChase = await requestToChase(subject, ladder, deps, deadline, read);
  let request: Request | undefined = toChase.request;
  const extended = request.expiresAt !== deadline.toISOString();
  if (extended && request.status !== 'answered')
    request =
      (await deps.store.requests.reopen(subject.requestId, deadline, ladder.reminderAfterDays, now)) ??
      // Answered in the instant since it was read: the answer stands.
      (await deps.store.requests.get(subject.requestId));
  if (!request) throw new Error(`Request ${subject.requestId} vanished`);
  const progress = await chase(
    request,
    (link, reminder) => askEmail(link, reminder, extended),
    deps,
    toChase.stored,
  );
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
  read?: RequestsRead,
): Promise<{ request: Request; progress: Chase }> {
  const toDue = ladderToDeadline(due, remindersDaysBefore, deps.clock.now());
  const { request, stored } = await requestToChase(
    { ...subject, dueAt: due.toISOString() },
    { ...toDue, expiresAfterDays: toDue.expiresAfterDays + OPEN_AFTER_DUE_DAYS },
    deps,
    undefined,
    read,
  );
  const progress = await chase(
    request,
    (link, reminder) => askEmail(link, reminder, dueBy(request)),
    deps,
    stored,
  );
  return { request, progress };
}

/**
 * Tells the admin, once, that an open ask is past its due date; it stays open. Marking it so is the
 * email's claim: taken back if the send fails, so the retry tells them.
 */
export async function reportOverdue(request: Request, email: () => EmailMessage, deps: Dependencies) {
  const { store, clock } = deps;
  const now = clock.now();
  if (request.status !== 'open' || !request.dueAt || request.overdueReportedAt || now < dueBy(request))
    return;
  await deps.mailer.send(email(), {
    take: () => store.requests.markOverdueReported(request.requestId, now),
    release: () => store.requests.unmarkOverdueReported(request.requestId, now),
  });
}

/** The link for `secret` as its request keeps it: only hashes of the secret and of the address it goes to. */
function linkFor(secret: string, sentTo: string, deps: Dependencies): RequestLink {
  const linkHash = hashLinkSecret(secret);
  return { linkHash, sentTo: recipientDigest(linkHash, sentTo), createdAt: deps.clock.now().toISOString() };
}

/** The emailed address of the request's form by the link with `secret`, naming the request and whom it is about. */
const formUrl = (secret: string, request: Request, deps: Dependencies) =>
  formsUrl(deps.settings, `r/${linkPath(secret, request)}`);

/** A fresh link to the request's form, for the address it will be emailed to. */
export async function mintLink(request: Request, sentTo: string, deps: Dependencies): Promise<string> {
  const secret = newLinkSecret();
  if (!(await deps.store.requests.keepLink(request.requestId, linkFor(secret, sentTo, deps))))
    throw new Error(`No request ${request.requestId} to keep a link on`);
  return formUrl(secret, request, deps);
}

/**
 * Each email gets a fresh link, tied to the address the email goes to; any of them opens the form until
 * the request is answered or expires, or the record's address for the ask changes. The email's claim is
 * the request's own record of it (asked, reminders counted up to `remindersSent`; a request not yet
 * `stored` is stored asked): a retry, or a concurrent run, finds it taken and sends nothing (false), while
 * an extension (a new deadline), a corrected address or a resend asks afresh. The link is kept on the
 * request by the claim's own write, so a run that loses it keeps none.
 */
async function emailWithLink(
  request: Request,
  stored: boolean,
  askEmail: AskEmail,
  reminder: number,
  remindersSent: number,
  deps: Dependencies,
): Promise<boolean> {
  const { store, clock } = deps;
  const now = clock.now();
  const secret = newLinkSecret();
  const email = askEmail(formUrl(secret, request, deps), reminder);
  const link = linkFor(secret, email.to, deps);
  return deps.mailer.send(email, {
    take: () =>
      stored
        ? store.requests.claimAsk(request, remindersSent, now, link)
        : store.requests.create({ ...request, invitedAt: now.toISOString(), remindersSent, links: [link] }),
    release: () => store.requests.releaseAsk(request, remindersSent, now),
  });
}
