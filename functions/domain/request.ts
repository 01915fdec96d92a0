import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';
import { Commitment } from './participant.js';
import type { ReminderLadder } from './programme.js';
import { addDays, DAY, SECOND } from './time.js';

/**
 * A request is one ask of one person: a senior leader's commitment, a cohort lead's attendance register
 * (for the whole cohort), a participant's task or framework submission, a cohort lead's feedback or
 * assessment, an accredited lead's directory entry, termly feedback and re-registration. Every email about it carries its own link; all links
 * of a request lead to the same form until the request is answered.
 */
export const RequestKind = z.enum([
  'commitment',
  'attendance',
  'submission',
  'feedback',
  'assessment',
  'directory-entry',
  'termly-feedback',
  're-registration',
  /** A place offered to the next person on a waiting list, and the emailed confirmation of joining it. */
  'place-offer',
  'waiting-list-confirmation',
  /** The emailed confirmation of an application to a cohort. */
  'application-confirmation',
]);
export type RequestKind = z.infer<typeof RequestKind>;

export const RequestStatus = z.enum(['open', 'answered', 'expired']);

/** A form's page as the post answering the request got it, kept so the same post again gets it too. */
export const ReplayPage = z.object({
  key: z.string(),
  statusCode: z.number().int(),
  headers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  body: z.string(),
});
export type ReplayPage = z.infer<typeof ReplayPage>;

/** A link as its request keeps it: by the digest of its secret, with whom it was sent to (`recipientDigest`). */
export const RequestLink = z.object({
  linkHash: z.string(),
  sentTo: z.string(),
  createdAt: z.iso.datetime(),
});
export type RequestLink = z.infer<typeof RequestLink>;

export const Request = z.object({
  requestId: z.string(),
  kind: RequestKind,
  /** Whose request it is: one participant's, or (attendance) the whole cohort's. */
  participantId: z.string().optional(),
  cohortId: z.string().optional(),
  /** A waiting-list entry's: its invitation to a cohort, or the confirmation that they join. */
  waitingListEntryId: z.string().optional(),
  /** An application's: the confirmation that they sent it. */
  applicationId: z.string().optional(),
  /** The programme step it is for, and which attempt (a resubmission is attempt 2). */
  stepId: z.string().optional(),
  attempt: z.number().int().positive().optional(),
  recipient: z.object({ name: z.string(), email: z.string() }),
  status: RequestStatus,
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  /** Days after `createdAt` when a reminder is due. */
  reminderAfterDays: z.array(z.number()),
  remindersSent: z.number().int().nonnegative(),
  invitedAt: z.iso.datetime().optional(),
  /** How many times the admin had the ask sent again as it was (`resend-link`): each is a new email. */
  resends: z.number().int().positive().optional(),
  /**
   * When the answer is due, for an ask that stays open past it (the cohort lead's): reminders lead up to
   * it, and once it passes the admin is told (`overdueReportedAt`) while the link goes on working.
   */
  dueAt: z.iso.datetime().optional(),
  overdueReportedAt: z.iso.datetime().optional(),
  /**
   * Idempotency keys of the answers posted through its links: the same post again gets the answer's page
   * back (`replayPage`). Pages kept apart by earlier versions (in the idempotency table, for a week) are
   * found by them, and forgotten when the person's data is erased.
   */
  replays: z.array(z.string()).optional(),
  /**
   * The page the answering post was given, under its key: kept by the write that recorded the answer (or,
   * when the page follows from what the answer led to, by one after it). It may name people, so it goes
   * with the request when their data is erased.
   */
  replayPage: ReplayPage.optional(),
  /**
   * The links emailed for it (those whose path names it), each kept by the write that claimed its email:
   * so a page reads the request and finds its link in the same read. Earlier links are items of their own.
   */
  links: z.array(RequestLink).optional(),
  /** Set only by the waiting workflow step; never leaves our own storage. */
  taskToken: z.string().optional(),
  /** A commitment, or the time and person that answered a programme step (its outcome is on the participant). */
  answer: z
    .union([
      Commitment,
      z.object({
        answeredAt: z.iso.datetime(),
        answeredBy: z.string(),
        /** An invitation from the waiting list: accepted or declined, recorded with the answer itself. */
        invitation: z.enum(['accepted', 'declined']).optional(),
      }),
    ])
    .optional(),
});
export type Request = z.infer<typeof Request>;

export function commitmentRequestId(participantId: string): string {
  return `commitment-${participantId}`;
}

/** Asks about a programme step: submissions and assessments repeat per attempt; attendance is per cohort. */
export const stepRequestId = (stepId: string, owner: string, attempt?: number) =>
  `${stepId}${attempt ? `#${attempt}` : ''}-${owner}`;

/**
 * The register of one participant who joined the cohort after its register for the day was answered
 * (cohort ids have no dots, so it never meets a cohort's own register).
 */
export const lateRegisterRequestId = (stepId: string, cohortId: string, participantId: string) =>
  `${stepRequestId(stepId, cohortId)}.${participantId}`;

type RequestSubject = Pick<Request, 'kind' | 'recipient'> &
  Partial<
    Pick<
      Request,
      'participantId' | 'cohortId' | 'waitingListEntryId' | 'applicationId' | 'stepId' | 'attempt' | 'dueAt'
    >
  > & {
    requestId: string;
  };

/** `deadline`, when given, is the exact expiry (a submission's deadline); otherwise the ladder's end. */
export function newRequest(
  subject: RequestSubject,
  ladder: ReminderLadder,
  now: Date,
  deadline?: Date,
): Request {
  return {
    ...subject,
    status: 'open',
    createdAt: now.toISOString(),
    expiresAt: (deadline ?? addDays(now, ladder.expiresAfterDays)).toISOString(),
    reminderAfterDays: ladder.reminderAfterDays,
    remindersSent: 0,
  };
}

/** A ladder that ends at a deadline, with reminders the given days before it (those already past dropped). */
export function ladderToDeadline(deadline: Date, daysBefore: number[], now: Date): ReminderLadder {
  const expiresAfterDays = Math.max((deadline.getTime() - now.getTime()) / DAY, 1 / 1440);
  const reminderAfterDays = daysBefore
    .map((d) => expiresAfterDays - d)
    .filter((d) => d > 0)
    .sort((a, b) => a - b);
  return { reminderAfterDays, expiresAfterDays };
}

export function isExpired(request: Request, now: Date): boolean {
  return request.status === 'expired' || (request.status === 'open' && now >= new Date(request.expiresAt));
}

/** How many reminders have fallen due by `now` (never fewer than were sent). */
export function remindersDueBy(request: Request, now: Date): number {
  const due = request.reminderAfterDays.filter(
    (days) => addDays(new Date(request.createdAt), days) <= now,
  ).length;
  return Math.max(due, request.remindersSent);
}

export function nextReminderAt(request: Request): Date | undefined {
  const days = request.reminderAfterDays[request.remindersSent];
  return days === undefined ? undefined : addDays(new Date(request.createdAt), days);
}

/** When the answer is due: its due date, or, for an ask that ends at its deadline, that deadline. */
export const dueBy = (request: Request): Date => new Date(request.dueAt ?? request.expiresAt);

/** When something next needs doing for this request: a reminder, its due date, or expiry. */
export function nextChaseAt(request: Request, now: Date): Date {
  const due = dueBy(request).getTime();
  return new Date(
    Math.min(
      nextReminderAt(request)?.getTime() ?? Infinity,
      due > now.getTime() ? due : Infinity,
      new Date(request.expiresAt).getTime(),
    ),
  );
}

/**
 * Seconds from `now` until `instant`, as a wait's TimeoutSeconds: a whole number, at least 1. A wait
 * sleeps until the next thing is due (changes wake it sooner): there is no weekly look.
 */
export const secondsUntil = (instant: Date, now: Date): number =>
  Math.max(1, Math.ceil((instant.getTime() - now.getTime()) / SECOND));

/** A link secret: 256 random bits, shown once in an email, stored only as its hash. */
export function newLinkSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashLinkSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Rejects anything that could not have come from `newLinkSecret` before it reaches the database. */
export const LinkSecret = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** Which request a link is for and whom that is about: ids only, never personal data. */
export interface LinkedIds {
  requestId: string;
  participantId?: string | undefined;
}

/**
 * An id in a link's path, as base64url of its UTF-8: ids may hold `#` and `.` (`interim-task#2-…`), which
 * a path cannot carry as they are. Only the one canonical encoding of an id is taken, so no two paths
 * name the same id; 300 characters is far above any id the domain makes.
 */
const PathId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{2,400}$/)
  .transform((encoded, ctx) => {
    const id = Buffer.from(encoded, 'base64url').toString('utf8');
    if (Buffer.from(id, 'utf8').toString('base64url') === encoded) return id;
    ctx.issues.push({ code: 'custom', message: 'not an id in base64url', input: encoded });
    return z.NEVER;
  });
const encodePathId = (id: string) => Buffer.from(id, 'utf8').toString('base64url');

/**
 * An emailed link's path (`/r/<path>`): its secret, then the ids of what it is about, dot-separated
 * (`<secret>.<requestId>[.<participantId>]`, base64url has no dots), so a page reads the link, the
 * request and the participant's record at once. The ids find things, the secret alone lets anyone in: a
 * path is taken only when its ids are its link's (`namesItsLink`). Links emailed before they named ids
 * are the secret alone (`ids` undefined) and are followed the old way, reading the link first
 * (`linkWithRequest` without ids). A link acts as long as its request: the longest are the cohort lead's
 * asks, open a year past their due date (`OPEN_AFTER_DUE_DAYS`), so over a year after the deploy, longer
 * only by an extension. Once no link item created before the deploy has an `expiresAt` still to come,
 * the secret alone can be refused here and that first read removed.
 */
export const LinkPath = z
  .string()
  .max(1_000)
  .transform((path) => path.split('.'))
  .pipe(
    z.union([
      z.tuple([LinkSecret]).transform(([secret]) => ({ secret, ids: undefined })),
      z.tuple([LinkSecret, PathId]).transform(([secret, requestId]) => ({ secret, ids: { requestId } })),
      z
        .tuple([LinkSecret, PathId, PathId])
        .transform(([secret, requestId, participantId]) => ({ secret, ids: { requestId, participantId } })),
    ]),
  );
export type LinkPath = z.infer<typeof LinkPath>;

/** The path of a link to `ids` with `secret`: what `LinkPath` reads back. */
export const linkPath = (secret: string, { requestId, participantId }: LinkedIds): string =>
  [secret, encodePathId(requestId), ...(participantId ? [encodePathId(participantId)] : [])].join('.');

/** Whether a path's ids are those its link was minted with: any other is tampered with, an unknown link. */
export const namesItsLink = (ids: LinkedIds, link: LinkedIds): boolean =>
  ids.requestId === link.requestId && ids.participantId === link.participantId;

/**
 * Who the link was emailed to, as a digest salted with the link's own hash: the link acts only while
 * that is still the address the record holds for the ask, and the table keeps no lookup of addresses.
 */
export function recipientDigest(linkHash: string, address: string): string {
  return createHash('sha256').update(`${linkHash}\n${address.trim().toLowerCase()}`).digest('hex');
}

/** The link with `linkHash` its request keeps, as a link of its own (lasting as long as the request). */
export function keptLink(request: Request, linkHash: string): Link | undefined {
  const kept = request.links?.find((link) => link.linkHash === linkHash);
  return (
    kept && {
      ...kept,
      requestId: request.requestId,
      ...(request.participantId && { participantId: request.participantId }),
      expiresAt: request.expiresAt,
    }
  );
}

export const Link = z.object({
  linkHash: z.string(),
  requestId: z.string(),
  /** Whom its request is about, if anyone: so a page reads the request and their record at once. */
  participantId: z.string().optional(),
  sentTo: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type Link = z.infer<typeof Link>;

/** Whose address an ask goes to: the commitment to the senior leader, the cohort lead's asks to the cohort's lead. */
export const addressedTo: Record<RequestKind, 'senior-leader' | 'participant' | 'cohort-lead'> = {
  commitment: 'senior-leader',
  attendance: 'cohort-lead',
  submission: 'participant',
  feedback: 'cohort-lead',
  assessment: 'cohort-lead',
  'directory-entry': 'participant',
  'termly-feedback': 'participant',
  're-registration': 'participant',
  // Not about a participant: their links are tied to the waiting-list entry, whose address never changes.
  'place-offer': 'participant',
  'waiting-list-confirmation': 'participant',
  'application-confirmation': 'participant',
};

/**
 * The address the record holds now for whoever `kind` asks about the participant, or undefined for the
 * cohort lead's asks: a cohort's lead has no correction, so their links are not tied to an address.
 */
export function currentAddress(
  kind: RequestKind,
  participant: { person: { email: string }; seniorLeader: { email: string } },
): string | undefined {
  const whose = addressedTo[kind];
  if (whose === 'cohort-lead') return undefined;
  return whose === 'senior-leader' ? participant.seniorLeader.email : participant.person.email;
}
