import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerDirectoryEntry } from '../../functions/accreditation/directory.js';
import type { DirectoryEntry } from '../../functions/domain/directory.js';
import { Participant } from '../../functions/domain/participant.js';
import { type RequestKind, stepRequestId } from '../../functions/domain/request.js';
import { ensureRequest, mintLink } from '../../functions/lifecycle/asks.js';
import type { LocalSystem } from '../../infra/local/system.js';
import {
  createCohort,
  enrol,
  linkIn,
  mailbox,
  startTestSystem,
  testCohort,
  waitForState,
} from '../support/local-system.js';

/**
 * A link stops acting once its purpose is gone: the participant it is about was withdrawn, the address
 * it was emailed to was corrected, or (a directory entry) the accreditation is no longer current. Through
 * the emailed-link endpoint, at GET and POST, and in the store whoever writes.
 */
let system: LocalSystem;
const store = () => system.dependencies.store;
const deps = () => system.dependencies;
beforeAll(async () => {
  system = await startTestSystem();
  await createCohort(system);
});
afterAll(() => system.stop());

const post = (link: string, values: Record<string, string>) =>
  fetch(link, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(values).toString(),
  });
const pageOf = async (response: Response) => ({ status: response.status, body: await response.text() });
const REPLACED = 'This link has been replaced';
const WITHDRAWN = 'This link is closed';

let counter = 0;
/** Someone well into the programme (a lead, if `accredited`), straight into the store with no execution. */
async function participant(stage: 'in-programme' | 'accredited'): Promise<Participant> {
  counter += 1;
  const created = Participant.parse({
    participantId: `p-link-purpose-${counter}`,
    person: { name: 'Asha Patel', email: `purpose-${counter}@school.test` },
    school: 'Hillside Primary',
    seniorLeader: { name: 'Sam Okafor', email: `head-of-purpose-${counter}@school.test`, role: 'Head' },
    programmeId: testCohort.programmeId,
    pathway: testCohort.pathway,
    cohortId: testCohort.cohortId,
    stage,
    enrolledAt: '2026-09-01T09:00:00.000Z',
    ...(stage === 'accredited' && {
      accreditation: {
        verificationCode: `LINK-0000-${String(counter).padStart(4, '0')}`,
        accreditedAt: '2027-02-15T12:00:00.000Z',
        listedInDirectory: false,
      },
    }),
  });
  await store().participants.create(created);
  return created;
}

/** An open ask of `kind` about `p` with a link emailed to `to`, as the lifecycle makes them. */
async function askWithLink(p: Participant, kind: RequestKind, stepId: string, to: string) {
  const request = await ensureRequest(
    {
      requestId: stepRequestId(stepId, p.participantId),
      kind,
      participantId: p.participantId,
      stepId,
      recipient: { name: p.person.name, email: to },
    },
    { reminderAfterDays: [], expiresAfterDays: 300 },
    deps(),
  );
  return mintLink(request, to, deps());
}

const interimAnswers = { plan: 'A plan', whatHappened: 'It happened', evaluation: 'It went well' };

describe('a corrected address', () => {
  it("the senior leader's link to the old address no longer signs; the new address's link does", async () => {
    const { participantId, executionArn, leader } = await enrol(system, { email: 'old-head@school.test' });
    const oldLink = linkIn(await mailbox(system).waitForEmail(leader, /^Please confirm your support/));
    await waitForState(system, executionArn, 'AwaitCommitment');
    await system.admin({
      command: 'correct-email',
      participantId,
      whose: 'senior-leader',
      email: 'new-head@school.test',
    });
    const newLink = linkIn(
      await mailbox(system).waitForEmail('new-head@school.test', /^Please confirm your support/),
    );

    const shown = await pageOf(await fetch(oldLink));
    expect(shown.status).toBe(410);
    expect(shown.body).toContain(REPLACED);
    const sign = { decision: 'signed', signedBy: 'Whoever Reads It', role: 'Head teacher', agree: 'yes' };
    const posted = await pageOf(await post(oldLink, sign));
    expect(posted.status).toBe(410);
    expect(posted.body).toContain(REPLACED);
    expect((await store().participants.get(participantId))?.commitment).toBeUndefined();
    expect((await store().requests.get(`commitment-${participantId}`))?.status).toBe('open');

    expect((await fetch(newLink)).status).toBe(200);
  });

  it("every ask sent to the participant's old address stops acting: submission, termly, re-registration, directory", async () => {
    const lead = await participant('accredited');
    const old = lead.person.email;
    const links = {
      submission: await askWithLink(lead, 'submission', 'interim-task', old),
      termly: await askWithLink(lead, 'termly-feedback', 'termly-spring-2027', old),
      reRegistration: await askWithLink(lead, 're-registration', 're-registration-1', old),
      directory: await offerDirectoryEntry(lead, deps()),
    };
    for (const link of Object.values(links)) expect((await fetch(link)).status).toBe(200);

    await system.admin({
      command: 'correct-email',
      participantId: lead.participantId,
      whose: 'participant',
      email: 'asha.new@school.test',
    });
    for (const [ask, link] of Object.entries(links)) {
      const shown = await pageOf(await fetch(link));
      expect([ask, shown.status]).toEqual([ask, 410]);
      expect(shown.body).toContain(REPLACED);
    }
    expect((await pageOf(await post(links.submission, interimAnswers))).status).toBe(410);
    expect(
      (await pageOf(await post(links.directory, { listed: 'yes', displayName: 'Someone Else' }))).status,
    ).toBe(410);
    expect((await store().participants.get(lead.participantId))?.progress).toEqual({});
    expect(await store().directory.get(lead.participantId)).toBeUndefined();

    const updated = await store().participants.get(lead.participantId);
    if (!updated) throw new Error('The lead vanished');
    expect((await fetch(await offerDirectoryEntry(updated, deps()))).status).toBe(200);
  });
});

describe('a withdrawn participant', () => {
  it('every form about them, theirs and the cohort lead’s, shows that the link is closed, at GET and POST', async () => {
    const p = await participant('in-programme');
    const lead = testCohort.cohortLead.email;
    const links = {
      submission: await askWithLink(p, 'submission', 'interim-task', p.person.email),
      feedback: await askWithLink(p, 'feedback', 'interim-feedback', lead),
      assessment: await askWithLink(p, 'assessment', 'assessment', lead),
    };
    for (const link of Object.values(links)) expect((await fetch(link)).status).toBe(200);

    await system.admin({ command: 'withdraw-participant', participantId: p.participantId, reason: 'Left' });
    for (const [ask, link] of Object.entries(links)) {
      const shown = await pageOf(await fetch(link));
      expect([ask, shown.status]).toEqual([ask, 410]);
      expect(shown.body).toContain(WITHDRAWN);
    }
    const posted = await pageOf(await post(links.submission, interimAnswers));
    expect(posted.status).toBe(410);
    expect(posted.body).toContain(WITHDRAWN);
    expect((await pageOf(await post(links.feedback, { feedback: 'Good work' }))).status).toBe(410);
    expect((await store().participants.get(p.participantId))?.progress).toEqual({});
    expect((await store().requests.get(stepRequestId('interim-task', p.participantId)))?.status).toBe('open');
  });

  it("an accredited lead's termly, re-registration and directory links close too", async () => {
    const lead = await participant('accredited');
    const links = [
      await askWithLink(lead, 'termly-feedback', 'termly-spring-2027', lead.person.email),
      await askWithLink(lead, 're-registration', 're-registration-1', lead.person.email),
      await offerDirectoryEntry(lead, deps()),
    ];
    await system.admin({
      command: 'withdraw-participant',
      participantId: lead.participantId,
      reason: 'Left',
    });
    for (const link of links) {
      const shown = await pageOf(await fetch(link));
      expect(shown.status).toBe(410);
      expect(shown.body).toContain(WITHDRAWN);
    }
  });

  it('the store records no answer for them, whoever writes it', async () => {
    const p = await participant('in-programme');
    const asked = await ensureRequest(
      {
        requestId: stepRequestId('interim-task', p.participantId),
        kind: 'submission',
        participantId: p.participantId,
        stepId: 'interim-task',
        recipient: p.person,
      },
      { reminderAfterDays: [], expiresAfterDays: 30 },
      deps(),
    );
    await store().participants.change(p.participantId, {
      withdrawal: { reason: 'Left', at: system.clock.now().toISOString() },
      stage: 'withdrawn',
    });
    const now = system.clock.now();
    const submitted = {
      outcome: 'submitted' as const,
      attempt: 1,
      submittedAt: now.toISOString(),
      answers: interimAnswers,
    };
    expect(await store().participants.recordStepOutcome(p.participantId, 'interim-task', submitted)).toBe(
      false,
    );
    const by = { answeredAt: now.toISOString(), answeredBy: p.person.name };
    expect(await store().requests.answer(asked, by, now)).toBeUndefined();
    const commitment = {
      decision: 'signed' as const,
      signedBy: 'Sam Okafor',
      role: 'Head',
      answeredAt: now.toISOString(),
      textVersion: 'v1',
      ipAddress: '192.0.2.1',
      userAgent: 'test',
    };
    expect(await store().participants.recordCommitment(p.participantId, commitment)).toBe(false);
    const record = await store().participants.get(p.participantId);
    expect(record?.progress).toEqual({});
    expect(record?.commitment).toBeUndefined();
    expect((await store().requests.get(asked.requestId))?.status).toBe('open');
  });
});

describe('the directory lists only leads whose accreditation is current', () => {
  const entryOf = (p: Participant): DirectoryEntry => ({
    participantId: p.participantId,
    programmeId: p.programmeId,
    pathway: p.pathway,
    displayName: p.person.name,
    updatedAt: '2027-03-01T09:00:00.000Z',
  });
  const lapse = (p: Participant) =>
    store().participants.change(p.participantId, {
      lapse: { reason: 'Not re-registered', at: system.clock.now().toISOString() },
      stage: 'lapsed',
    });

  it('a lapsed lead’s old directory link cannot list them again: a clear page, and nothing listed', async () => {
    const lead = await participant('accredited');
    const link = await offerDirectoryEntry(lead, deps());
    await lapse(lead);
    const shown = await pageOf(await fetch(link));
    expect(shown.status).toBe(410);
    expect(shown.body).toContain('Your accreditation has lapsed');
    const posted = await pageOf(await post(link, { listed: 'yes', displayName: 'Asha Patel', pageId: 'x' }));
    expect(posted.status).toBe(410);
    expect(await store().directory.get(lead.participantId)).toBeUndefined();
    expect((await store().directory.list()).map((e) => e.participantId)).not.toContain(lead.participantId);
  });

  it('the store refuses an entry for a lead who is not currently accredited, whoever writes it', async () => {
    const lapsed = await participant('accredited');
    await lapse(lapsed);
    const notYet = await participant('in-programme');
    for (const p of [lapsed, notYet]) {
      expect(await store().directory.save(entryOf(p))).toBe(false);
      expect(await store().directory.get(p.participantId)).toBeUndefined();
    }
    expect(await store().participants.setListedInDirectory(lapsed.participantId, true)).toBe(false);
  });

  it('a withdrawal or lapse takes the entry down, even one saved between the lapse step’s removal and its record', async () => {
    const withdrawn = await participant('accredited');
    expect(await store().directory.save(entryOf(withdrawn))).toBe(true);
    await system.admin({
      command: 'withdraw-participant',
      participantId: withdrawn.participantId,
      reason: 'Left',
    });
    expect(await store().directory.get(withdrawn.participantId)).toBeUndefined();

    // The lapse step takes the entry down first, then records the lapse: a save in between is undone.
    const lapsing = await participant('accredited');
    await store().directory.remove(lapsing.participantId);
    expect(await store().directory.save(entryOf(lapsing))).toBe(true);
    await lapse(lapsing);
    expect(await store().directory.get(lapsing.participantId)).toBeUndefined();
  });
});
