import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { linkPath } from '../../functions/domain/request.js';
import { MAX_BODY_BYTES } from '../../functions/forms/forms-handler.js';
import { programmeById } from '../../functions/programmes/index.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { askedToCommit, expectPastCommitmentGate, sign } from '../support/commitment.js';
import { checkInvariantsAfterEach } from '../support/invariants.js';
import { createCohort, mailbox, startTestSystem, waitForStatus } from '../support/local-system.js';

/**
 * What the emailed-link endpoint does with everything but a good answer, over plain HTTP: looks that
 * must change nothing, bad and hostile bodies, links that are wrong, spent or stale, and double posts.
 * After each, nothing is half-written: the participant and the request are as they were, the execution
 * still waits, and the senior leader has had only the ask.
 */
const DAY = 86_400_000;
const programme = programmeById('ncetm-pd-lead');
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem();
  await createCohort(system);
});
afterAll(() => system?.stop());
checkInvariantsAfterEach(() => system);

interface Reply {
  status: number;
  headers: Headers;
  page: string;
}

/** Every response from the forms endpoint, whatever its status, carries the same protective headers. */
function expectSecurityHeaders({ headers, status }: Reply) {
  const context = `on a ${status}`;
  expect(headers.get('content-type'), context).toBe('text/html; charset=utf-8');
  expect(headers.get('cache-control'), context).toBe('no-store');
  expect(headers.get('strict-transport-security'), context).toBe('max-age=31536000; includeSubDomains');
  expect(headers.get('referrer-policy'), context).toBe('no-referrer');
  expect(headers.get('x-content-type-options'), context).toBe('nosniff');
  expect(headers.get('x-robots-tag'), context).toBe('noindex');
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp, context).toContain("default-src 'none'");
  expect(csp, context).toContain("form-action 'self'");
  expect(csp, context).toContain("frame-ancestors 'none'");
  expect(csp, context).not.toContain('script-src');
}

async function request(link: string, init: RequestInit = {}): Promise<Reply> {
  const response = await fetch(link, init);
  const reply = { status: response.status, headers: response.headers, page: await response.text() };
  expectSecurityHeaders(reply);
  return reply;
}

const post = (link: string, body: Record<string, string> | string, headers?: Record<string, string>) =>
  request(link, {
    method: 'POST',
    body: typeof body === 'string' ? body : new URLSearchParams(body),
    ...(headers ? { headers } : {}),
  });

const heading = (page: string) => page.match(/<h1>(.*?)<\/h1>/)?.[1];

/** Enrols someone and waits until their execution is parked on the senior leader's answer. */
async function waiting(email: string) {
  const subject = await askedToCommit(system, email);
  await vi.waitFor(
    async () =>
      expect((await system.dependencies.store.requests.get(subject.requestId))?.taskToken).toBeDefined(),
    { timeout: 10_000, interval: 20 },
  );
  return { ...subject, before: await snapshot(subject) };
}

interface Subject {
  participantId: string;
  requestId: string;
  executionArn: string;
  leader: string;
  participant: string;
}
type Waiting = Awaited<ReturnType<typeof waiting>>;

/**
 * Everything an answer could touch, for one participant. (Not the admin's mailbox: it is shared by every
 * participant in the file, and nothing in the commitment gate writes to it on a bad answer.)
 */
async function snapshot({ participantId, requestId, executionArn, leader, participant }: Subject) {
  const { status, statesEntered } = system.stepFunctions.describeExecution(executionArn);
  const subjects = async (address: string) => (await mailbox(system).emailsTo(address)).map((e) => e.subject);
  return {
    participant: await system.dependencies.store.participants.get(participantId),
    request: await system.dependencies.store.requests.get(requestId),
    execution: { status, statesEntered: [...statesEntered] },
    toLeader: await subjects(leader),
    toParticipant: await subjects(participant),
  };
}

/** Nothing half-written: the same records, the execution still waiting, and only the ask sent. */
async function expectUntouched(subject: Waiting) {
  const now = await snapshot(subject);
  expect(now).toEqual(subject.before);
  expect(now.request?.status).toBe('open');
  expect(now.participant?.commitment).toBeUndefined();
  expect(now.participant?.stage).toBe('awaiting-commitment');
  expect(now.execution.status).toBe('RUNNING');
  expect(now.execution.statesEntered.at(-1)).toBe('AwaitCommitment');
  expect(now.toLeader).toEqual([subject.ask.subject]);
}

/** Anything a bad request set off would have landed by now (the workflow reacts in milliseconds). */
const settle = () => new Promise((done) => setTimeout(done, 150));

/** The same secret with one character changed. */
function tampered(link: string): string {
  const at = link.lastIndexOf('/') + 20;
  return `${link.slice(0, at)}${link[at] === 'A' ? 'B' : 'A'}${link.slice(at + 1)}`;
}

describe('the forms endpoint with anything but a good answer', () => {
  it('GET and HEAD only show: a second look is identical and nothing is recorded or woken', async () => {
    const subject = await waiting('bad-get@school.test');

    const first = await request(subject.link);
    const second = await request(subject.link);
    expect(first.status).toBe(200);
    expect(heading(first.page)).toBe('Support Asha Patel on the programme');
    expect(first.page).toContain('<form method="post"');
    expect(second.status).toBe(200);
    expect(second.page).toBe(first.page);

    const head = await request(subject.link, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.page).toBe('');

    await settle();
    await expectUntouched(subject);
  });

  it('missing or wrong fields: 422 with the form, a clear message for each, and nothing stored', async () => {
    const subject = await waiting('bad-missing@school.test');
    const cases: [string, Record<string, string> | string, RegExp[]][] = [
      [
        'an empty body',
        '',
        [/Choose whether you can commit to supporting them/, /Enter a name/, /Enter your role/],
      ],
      ['signed without the tick', { ...sign, agree: '' }, [/Tick the box to confirm you agree/]],
      ['a tick that is not "yes"', { ...sign, agree: 'on' }, [/Tick the box to confirm you agree/]],
      ['a name of spaces', { ...sign, signedBy: '   ' }, [/Enter a name/]],
      ['no role', { decision: 'signed', signedBy: 'Sam Okafor', agree: 'yes' }, [/Enter your role/]],
      ['an unknown decision', { ...sign, decision: 'maybe' }, [/Choose whether you can commit/]],
      [
        'declined without a reason',
        { ...sign, decision: 'declined', reason: ' ' },
        [/Tell us why you cannot support them/],
      ],
      ['JSON instead of a form', JSON.stringify(sign), [/Choose whether you can commit/, /Enter a name/]],
    ];
    for (const [what, body, messages] of cases) {
      const reply = await post(subject.link, body);
      expect(reply.status, what).toBe(422);
      expect(reply.page, what).toContain('There is a problem');
      expect(reply.page, what).toContain('<form method="post"');
      for (const message of messages) expect(reply.page, what).toMatch(message);
      await expectUntouched(subject);
    }
    await settle();
    await expectUntouched(subject);
  });

  it('oversized fields: 422, however long, and nothing stored', async () => {
    const subject = await waiting('bad-oversized@school.test');
    const cases: [string, Record<string, string>, RegExp][] = [
      [
        'a 5,000-character name',
        { ...sign, signedBy: 'S'.repeat(5_000) },
        /Name must be 100 characters or fewer/,
      ],
      ['a 101-character role', { ...sign, role: 'R'.repeat(101) }, /Role must be 100 characters or fewer/],
      [
        'a 1,001-character reason',
        { ...sign, decision: 'declined', reason: 'x'.repeat(1_001) },
        /Reason must be 1000 characters or fewer/,
      ],
    ];
    for (const [what, body, message] of cases) {
      const reply = await post(subject.link, body);
      expect(reply.status, what).toBe(422);
      expect(reply.page, what).toMatch(message);
      await expectUntouched(subject);
    }
    await settle();
    await expectUntouched(subject);
  });

  it('a body above MAX_BODY_BYTES: 413, even when it holds a good answer; the limit counts bytes', async () => {
    const subject = await waiting('bad-too-large@school.test');
    const form = 'application/x-www-form-urlencoded;charset=UTF-8';
    const good = new URLSearchParams(sign).toString();
    const padded = (bytes: number) =>
      `${good}&padding=${'p'.repeat(bytes - good.length - '&padding='.length)}`;

    const over = await post(subject.link, padded(MAX_BODY_BYTES + 1), { 'content-type': form });
    expect(over.status).toBe(413);
    expect(heading(over.page)).toBe('Your answer is too long');
    await expectUntouched(subject);

    // Fewer characters than the limit, but two bytes each in UTF-8.
    const wide = `${good}&reason=${'é'.repeat(MAX_BODY_BYTES / 2 + 1)}`;
    expect(wide.length).toBeLessThan(MAX_BODY_BYTES);
    expect((await post(subject.link, wide, { 'content-type': form })).status).toBe(413);
    await expectUntouched(subject);

    // At the limit exactly the body is read, and its too-long name is refused field by field.
    const atLimit = `signedBy=${'S'.repeat(MAX_BODY_BYTES - 'signedBy='.length)}`;
    expect(Buffer.byteLength(atLimit)).toBe(MAX_BODY_BYTES);
    expect((await post(subject.link, atLimit, { 'content-type': form })).status).toBe(422);
    await settle();
    await expectUntouched(subject);
  });

  it('markup in the name or role is refused, and nothing typed comes back as live HTML', async () => {
    const subject = await waiting('bad-markup@school.test');
    const script = '<script>alert(1)</script>';
    const cases: [string, Record<string, string>, RegExp][] = [
      ['a script as the name', { ...sign, signedBy: script }, /Name must not contain &lt; or &gt;/],
      [
        'an attribute break-out as the role',
        { ...sign, role: `"><script>alert(1)</script>` },
        /Role must not contain/,
      ],
      [
        'a textarea break-out as the reason, with the name missing',
        { ...sign, decision: 'declined', signedBy: '', reason: `</textarea>${script}` },
        /Enter a name/,
      ],
    ];
    for (const [what, body, message] of cases) {
      const reply = await post(subject.link, body);
      expect(reply.status, what).toBe(422);
      expect(reply.page, what).toMatch(message);
      expect(reply.page.toLowerCase(), what).not.toContain('<script');
      // What they typed is shown back to them, as text.
      expect(reply.page, what).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      await expectUntouched(subject);
    }
    await settle();
    await expectUntouched(subject);
  });

  it('markup in a reason is kept as typed and escaped wherever it is shown', async () => {
    const { link, participantId, executionArn } = await waiting('bad-markup-reason@school.test');
    const reason = '</textarea><script>alert(1)</script> & "no" budget';

    const reply = await post(link, { ...sign, decision: 'declined', reason });
    expect(reply.status).toBe(200);
    expect(reply.page.toLowerCase()).not.toContain('<script');
    await waitForStatus(system, executionArn, 'SUCCEEDED');
    expect((await system.dependencies.store.participants.get(participantId))?.commitment?.reason).toBe(
      reason,
    );

    const toAdmin = await vi.waitFor(
      async () => {
        const found = (await mailbox(system).emailsTo(system.dependencies.settings.ADMIN_EMAIL)).find((e) =>
          e.body.text?.includes(reason),
        );
        if (!found) throw new Error('No email to the admin with the reason');
        return found;
      },
      { timeout: 10_000, interval: 20 },
    );
    expect(toAdmin.body.html?.toLowerCase()).not.toContain('<script');
    expect(toAdmin.body.html).toContain('&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    const again = await request(link);
    expect(again.status).toBe(409);
    expect(again.page.toLowerCase()).not.toContain('<script');
  });

  it('a tampered, unknown or malformed link: 404 with a friendly page, for GET and POST alike', async () => {
    const subject = await waiting('bad-links@school.test');
    const someoneElse = await waiting('bad-links-other@school.test');
    const base = subject.link.slice(0, subject.link.lastIndexOf('/') + 1);
    const secret = subject.link.slice(base.length, base.length + 43);
    const oneChanged = tampered(subject.link);
    expect(oneChanged).not.toBe(subject.link);
    expect(oneChanged).toHaveLength(subject.link.length);
    const links: [string, string][] = [
      ['one character changed', oneChanged],
      ['a random secret', `${base}${randomBytes(32).toString('base64url')}`],
      ['one character short', subject.link.slice(0, -1)],
      ['one character long', `${subject.link}A`],
      ['no secret', base],
      ['a path climbing out', `${base}..%2F..%2Fadmin%2Fcommands`],
      ['characters no secret has', `${subject.link.slice(0, -2)}%00!`],
      // The secret with ids its link was not minted for, each naming what is there: someone else's ask.
      ['another request', `${base}${linkPath(secret, { ...subject, requestId: someoneElse.requestId })}`],
      [
        'someone else',
        `${base}${linkPath(secret, { ...subject, participantId: someoneElse.participantId })}`,
      ],
      ['nobody', `${base}${linkPath(secret, { requestId: subject.requestId })}`],
    ];
    for (const [what, link] of links) {
      for (const reply of [await request(link), await post(link, sign)]) {
        expect(reply.status, what).toBe(404);
        expect(heading(reply.page), what).toBe('We do not recognise this link');
        expect(reply.page, what).toContain('opened the whole link');
        expect(reply.page, what).not.toContain('<form');
      }
      await expectUntouched(subject);
    }
    // The real link still works.
    expect((await request(subject.link)).status).toBe(200);
    await settle();
    await expectUntouched(subject);
  });

  it('an identical re-post replays the same page; only one answer and one set of emails; then 409', async () => {
    const { link, participantId, executionArn, participant, leader, requestId } = await waiting(
      'bad-double-post@school.test',
    );

    const first = await post(link, sign);
    expect(first.status).toBe(200);
    expect(heading(first.page)).toBe('Thank you: your answer is recorded');
    const recorded = (await system.dependencies.store.participants.get(participantId))?.commitment;
    expect(recorded).toMatchObject({ decision: 'signed', signedBy: 'Sam Okafor' });

    const replay = await post(link, sign, { 'user-agent': 'a different browser' });
    expect(replay.status).toBe(200);
    expect(replay.page).toBe(first.page);

    await expectPastCommitmentGate(system, executionArn);
    await mailbox(system).waitForEmail(participant, /ready to start/);
    await mailbox(system).waitForEmail(leader, /is recorded/);
    // Once the workflow is done, the same post still replays.
    expect((await post(link, sign)).page).toBe(first.page);
    await settle();

    const execution = system.stepFunctions.describeExecution(executionArn);
    expect(execution.statesEntered.filter((s) => s === 'ConfirmCommitment')).toHaveLength(1);
    expect((await mailbox(system).emailsTo(participant)).map((e) => e.subject)).toEqual([
      `You're ready to start the ${programme.name}`,
    ]);
    expect((await mailbox(system).emailsTo(leader)).map((e) => e.subject)).toEqual([
      expect.stringMatching(/^Please confirm your support/),
      'Thank you: your commitment to support Asha Patel is recorded',
    ]);

    // A different answer afterwards, however it differs, is told the first one stands.
    for (const different of [
      { ...sign, role: 'Deputy head' },
      { ...sign, decision: 'declined', reason: 'Changed my mind' },
      {},
    ]) {
      const reply = await post(link, different);
      expect(reply.status).toBe(409);
      expect(heading(reply.page)).toBe('This commitment has already been answered');
      expect(reply.page).toContain('signed by Sam Okafor (Head teacher)');
    }
    const head = await request(link, { method: 'HEAD' });
    expect(head.status).toBe(409);
    await settle();
    expect((await system.dependencies.store.participants.get(participantId))?.commitment).toEqual(recorded);
    expect((await system.dependencies.store.requests.get(requestId))?.status).toBe('answered');
    expect(await mailbox(system).emailsTo(participant)).toHaveLength(1);
    expect(await mailbox(system).emailsTo(leader)).toHaveLength(2);
  });

  it('a double click (two identical posts at once) gets the same thank-you page twice, recorded once', async () => {
    const { link, participantId, participant } = await waiting('bad-double-click@school.test');
    const [first, second] = await Promise.all([post(link, sign), post(link, sign)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.page).toBe(first.page);
    await mailbox(system).waitForEmail(participant, /ready to start/);
    await settle();
    expect((await system.dependencies.store.participants.get(participantId))?.commitment?.signedBy).toBe(
      'Sam Okafor',
    );
    expect(await mailbox(system).emailsTo(participant)).toHaveLength(1);
  });

  it('a page of errors is not replayed: the same invalid post after the answer gets 409, not the form', async () => {
    const { link } = await waiting('bad-invalid-replay@school.test');
    expect((await post(link, { decision: 'signed' })).status).toBe(422);
    expect((await post(link, sign)).status).toBe(200);
    const again = await post(link, { decision: 'signed' });
    expect(again.status).toBe(409);
    expect(heading(again.page)).toBe('This commitment has already been answered');
  });

  it('other methods are not allowed and change nothing', async () => {
    const subject = await waiting('bad-methods@school.test');
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const reply = await request(subject.link, { method, body: new URLSearchParams(sign) });
      expect(reply.status, method).toBe(405);
      expect(reply.headers.get('allow'), method).toBe('GET, POST');
    }
    await settle();
    await expectUntouched(subject);
  });

  // Last: it moves the shared clock past every open request's expiry.
  it('an expired link: 410 for GET and POST, before and after the workflow notices, nothing stored', async () => {
    const subject = await waiting('bad-expired@school.test');
    const { link, executionArn, participantId, requestId } = subject;

    system.clock.advance(programme.commitment.ladder.expiresAfterDays * DAY + 60_000);
    // At once, whether or not the workflow has expired the request yet. (A body of its own: an identical
    // post later would be replayed from this one's idempotency record.)
    const early = await post(link, { ...sign, role: 'Head of school' });
    expect(early.status).toBe(410);
    expect(heading(early.page)).toBe('This link has expired');

    await waitForStatus(system, executionArn, 'SUCCEEDED');
    expect(system.stepFunctions.describeExecution(executionArn).statesEntered.at(-1)).toBe(
      'CommitmentExpired',
    );
    for (const reply of [
      await request(link),
      await request(link, { method: 'HEAD' }),
      await post(link, sign),
      await post(link, { ...sign, decision: 'declined', reason: 'Too late?' }),
    ]) {
      expect(reply.status).toBe(410);
      if (reply.page) expect(heading(reply.page)).toBe('This link has expired');
    }
    await settle();
    expect((await system.dependencies.store.requests.get(requestId))?.status).toBe('expired');
    const record = await system.dependencies.store.participants.get(participantId);
    expect(record?.commitment).toBeUndefined();
    expect(record?.stage).toBe('commitment-expired');
    expect((await mailbox(system).emailsTo(subject.participant)).map((e) => e.subject)).toEqual(
      subject.before.toParticipant,
    );
  });
});
