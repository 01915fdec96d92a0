import { describe, expect, it } from 'vitest';
import {
  commitmentRequestId,
  hashLinkSecret,
  isExpired,
  LinkPath,
  LinkSecret,
  linkPath,
  namesItsLink,
  newLinkSecret,
  newRequest,
  nextChaseAt,
  nextReminderAt,
  type Request,
  secondsUntil,
} from '../../functions/domain/request.js';

const created = new Date('2026-03-02T09:00:00.000Z');
const at = (iso: string) => new Date(iso);
const ladder = { reminderAfterDays: [4, 8], expiresAfterDays: 14 };
const recipient = { name: 'Sam Okafor', email: 'head@school.test' };

function request(overrides: Partial<Request> = {}): Request {
  return {
    ...newRequest(
      { requestId: 'commitment-p-abc', kind: 'commitment', participantId: 'p-abc', recipient: recipient },
      ladder,
      created,
    ),
    ...overrides,
  };
}

describe('newRequest', () => {
  it('opens a request that expires after the ladder and has sent no reminders', () => {
    expect(request()).toEqual({
      requestId: 'commitment-p-abc',
      kind: 'commitment',
      participantId: 'p-abc',
      recipient,
      status: 'open',
      createdAt: '2026-03-02T09:00:00.000Z',
      expiresAt: '2026-03-16T09:00:00.000Z',
      reminderAfterDays: [4, 8],
      remindersSent: 0,
    });
    expect(commitmentRequestId('p-xyz')).toBe('commitment-p-xyz');
  });
});

describe('nextReminderAt', () => {
  it('walks the ladder, one rung per reminder sent, then stops', () => {
    expect(nextReminderAt(request({ remindersSent: 0 }))?.toISOString()).toBe('2026-03-06T09:00:00.000Z');
    expect(nextReminderAt(request({ remindersSent: 1 }))?.toISOString()).toBe('2026-03-10T09:00:00.000Z');
    expect(nextReminderAt(request({ remindersSent: 2 }))).toBeUndefined();
  });

  it('counts from when the request was created, in whole days', () => {
    const late = request({ createdAt: '2026-03-02T17:30:00.000Z', reminderAfterDays: [1.5] });
    expect(nextReminderAt(late)?.toISOString()).toBe('2026-03-04T05:30:00.000Z');
  });
});

/** How long a wait on the request sleeps from `now`: until it next needs chasing. */
const secondsUntilNextChase = (r: Request, now: Date) => secondsUntil(nextChaseAt(r, now), now);

describe('nextChaseAt, as a wait in seconds', () => {
  it('waits until the first reminder is due', () => {
    expect(secondsUntilNextChase(request(), created)).toBe(4 * 86_400);
    expect(secondsUntilNextChase(request(), at('2026-03-02T10:00:00.000Z'))).toBe(4 * 86_400 - 3_600);
  });

  it('waits for the next rung once a reminder has been sent', () => {
    expect(secondsUntilNextChase(request({ remindersSent: 1 }), at('2026-03-06T09:00:05.000Z'))).toBe(
      4 * 86_400 - 5,
    );
  });

  it('waits until expiry when every reminder has gone', () => {
    expect(secondsUntilNextChase(request({ remindersSent: 2 }), at('2026-03-10T09:00:00.000Z'))).toBe(
      6 * 86_400,
    );
  });

  it('chases whichever comes first, a reminder or an expiry the admin moved earlier', () => {
    const moved = request({ expiresAt: '2026-03-03T09:00:00.000Z' });
    expect(secondsUntilNextChase(moved, created)).toBe(86_400);
  });

  it('sleeps until the next rung however far off it is: no weekly look', () => {
    const long = newRequest(
      { requestId: 'commitment-p-abc', kind: 'commitment', participantId: 'p-abc', recipient: recipient },
      { reminderAfterDays: [20], expiresAfterDays: 30 },
      created,
    );
    expect(secondsUntilNextChase(long, created)).toBe(20 * 86_400);
    expect(secondsUntilNextChase(long, at('2026-03-15T09:00:00.000Z'))).toBe(7 * 86_400);
    expect(secondsUntilNextChase({ ...long, remindersSent: 1 }, at('2026-03-22T09:00:00.000Z'))).toBe(
      10 * 86_400,
    );
  });

  it('rounds part-seconds up, so it never wakes just before the moment', () => {
    expect(secondsUntilNextChase(request(), at('2026-03-06T08:59:58.500Z'))).toBe(2);
  });

  it('wakes at the due date of an ask that stays open past it, then sleeps until it expires', () => {
    const due = '2026-03-04T17:00:00.000Z';
    const expires = '2027-03-04T17:00:00.000Z';
    const cohortLeads = request({ dueAt: due, reminderAfterDays: [], expiresAt: expires });
    expect(secondsUntilNextChase(cohortLeads, created)).toBe(2 * 86_400 + 8 * 3_600);
    expect(nextChaseAt(cohortLeads, at(due)).toISOString()).toBe(expires);
    expect(nextChaseAt(cohortLeads, at('2026-03-05T09:00:00.000Z')).toISOString()).toBe(expires);
  });

  it('waits at least 1 second when the moment is now or already past', () => {
    expect(secondsUntilNextChase(request(), at('2026-03-06T09:00:00.000Z'))).toBe(1);
    expect(secondsUntilNextChase(request(), at('2026-03-06T08:59:59.999Z'))).toBe(1);
    expect(secondsUntilNextChase(request({ remindersSent: 2 }), at('2026-04-01T00:00:00.000Z'))).toBe(1);
  });
});

describe('isExpired', () => {
  it('is true for an open request from its expiry instant on', () => {
    expect(isExpired(request(), at('2026-03-16T08:59:59.999Z'))).toBe(false);
    expect(isExpired(request(), at('2026-03-16T09:00:00.000Z'))).toBe(true);
    expect(isExpired(request(), at('2026-05-01T00:00:00.000Z'))).toBe(true);
  });

  it('an answered request never expires; an expired one stays expired', () => {
    expect(isExpired(request({ status: 'answered' }), at('2026-05-01T00:00:00.000Z'))).toBe(false);
    expect(isExpired(request({ status: 'expired' }), created)).toBe(true);
  });
});

describe('link secrets', () => {
  it('are 256 random bits in 43 base64url characters, which LinkSecret accepts', () => {
    const secret = newLinkSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(LinkSecret.safeParse(secret).success).toBe(true);
  });

  it('are never the same twice', () => {
    const secrets = new Set(Array.from({ length: 1_000 }, newLinkSecret));
    expect(secrets.size).toBe(1_000);
  });

  it('LinkSecret refuses anything newLinkSecret could not have made', () => {
    const secret = newLinkSecret();
    for (const bad of [
      secret.slice(1),
      `${secret}A`,
      `${secret.slice(0, 42)}+`,
      `${secret.slice(0, 42)}=`,
      '',
    ]) {
      expect(LinkSecret.safeParse(bad).success).toBe(false);
    }
  });

  it('are stored as their SHA-256 in hex, different for each secret', () => {
    expect(hashLinkSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const one = newLinkSecret();
    const two = newLinkSecret();
    expect(hashLinkSecret(one)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashLinkSecret(one)).toBe(hashLinkSecret(one));
    expect(hashLinkSecret(one)).not.toBe(hashLinkSecret(two));
    expect(hashLinkSecret(one)).not.toContain(one);
  });
});

describe('link paths', () => {
  const secret = newLinkSecret();
  const ids = { requestId: 'interim-task#2-p-asha', participantId: 'p-asha' };

  it('carry the secret and the ids of what the link is about, URL-safe, and read back as they were', () => {
    const path = linkPath(secret, ids);
    expect(path).toMatch(/^[A-Za-z0-9_-]{43}(\.[A-Za-z0-9_-]+){2}$/);
    expect(encodeURIComponent(path)).toBe(path);
    expect(LinkPath.parse(path)).toEqual({ secret, ids });
    const aboutNobody = linkPath(secret, { requestId: 'place-offer-north-w-1' });
    expect(LinkPath.parse(aboutNobody)).toEqual({ secret, ids: { requestId: 'place-offer-north-w-1' } });
  });

  it('the secret alone, as links were emailed before they named ids, is read without ids', () => {
    expect(LinkPath.parse(secret)).toEqual({ secret, ids: undefined });
  });

  it('refuse anything linkPath could not have made', () => {
    const path = linkPath(secret, ids);
    const [, request = '', participant = ''] = path.split('.');
    for (const bad of [
      `${secret.slice(1)}.${request}`,
      `${secret}.`,
      `${secret}..${participant}`,
      `${path}.${participant}`,
      `${secret}.${request}=`,
      `${secret}.${request}+`,
      `${secret}.a`,
      // Base64url of one byte ("a" is YQ) with bits set that no encoding of an id has: another spelling.
      `${secret}.YR`,
      // Not UTF-8: no id decodes from it.
      `${secret}._w`,
      `${secret}.${'YWFh'.repeat(101)}`,
    ]) {
      expect(LinkPath.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('name their link only with the very ids it was minted for', () => {
    expect(namesItsLink(ids, { ...ids })).toBe(true);
    expect(namesItsLink({ requestId: 'r' }, { requestId: 'r' })).toBe(true);
    expect(namesItsLink({ ...ids, requestId: 'interim-task#1-p-asha' }, ids)).toBe(false);
    expect(namesItsLink({ ...ids, participantId: 'p-ben' }, ids)).toBe(false);
    expect(namesItsLink({ requestId: ids.requestId }, ids)).toBe(false);
    expect(namesItsLink(ids, { requestId: ids.requestId })).toBe(false);
  });
});
