import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Commitment } from './participant.js';
import type { ReminderLadder } from './programme.js';
import { addDays, SECOND } from './time.js';

/**
 * A request is one ask of one person (today: a senior leader's commitment). Every email about it
 * carries its own link; all links of a request lead to the same form until the request is answered.
 */
export const RequestKind = z.enum(['commitment']);
export type RequestKind = z.infer<typeof RequestKind>;

export const RequestStatus = z.enum(['open', 'answered', 'expired']);

export const Request = z.object({
  requestId: z.string(),
  kind: RequestKind,
  participantId: z.string(),
  recipient: z.object({ name: z.string(), email: z.string() }),
  status: RequestStatus,
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  /** Days after `createdAt` when a reminder is due. */
  reminderAfterDays: z.array(z.number()),
  remindersSent: z.number().int().nonnegative(),
  invitedAt: z.iso.datetime().optional(),
  /** Set only by the waiting workflow step; never leaves our own storage. */
  taskToken: z.string().optional(),
  answer: Commitment.optional(),
});
export type Request = z.infer<typeof Request>;

export function commitmentRequestId(participantId: string): string {
  return `commitment-${participantId}`;
}

export function newRequest(
  kind: RequestKind,
  participantId: string,
  recipient: Request['recipient'],
  ladder: ReminderLadder,
  now: Date,
): Request {
  return {
    requestId: commitmentRequestId(participantId),
    kind,
    participantId,
    recipient,
    status: 'open',
    createdAt: now.toISOString(),
    expiresAt: addDays(now, ladder.expiresAfterDays).toISOString(),
    reminderAfterDays: ladder.reminderAfterDays,
    remindersSent: 0,
  };
}

export function isExpired(request: Request, now: Date): boolean {
  return request.status === 'expired' || (request.status === 'open' && now >= new Date(request.expiresAt));
}

export function nextReminderAt(request: Request): Date | undefined {
  const days = request.reminderAfterDays[request.remindersSent];
  return days === undefined ? undefined : addDays(new Date(request.createdAt), days);
}

/**
 * Step Functions waits at most this long in one go, so a long ask is re-checked weekly: dates the admin
 * moves are picked up, and a timer never outgrows what a runtime can schedule.
 */
export const MAX_WAIT_SECONDS = 7 * 86_400;

/** Seconds until something next needs doing for this request: a reminder or expiry. */
export function secondsUntilNextChase(request: Request, now: Date): number {
  const next = Math.min(
    nextReminderAt(request)?.getTime() ?? Infinity,
    new Date(request.expiresAt).getTime(),
  );
  const seconds = Math.ceil((next - now.getTime()) / SECOND);
  return Math.min(MAX_WAIT_SECONDS, Math.max(1, seconds));
}

/** A link secret: 256 random bits, shown once in an email, stored only as its hash. */
export function newLinkSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashLinkSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Rejects anything that could not have come from `newLinkSecret` before it reaches the database. */
export const LinkSecret = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export const Link = z.object({
  linkHash: z.string(),
  requestId: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type Link = z.infer<typeof Link>;
