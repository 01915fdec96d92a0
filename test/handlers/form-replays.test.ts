import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Participant } from '../../functions/domain/participant.js';
import {
  hashLinkSecret,
  newLinkSecret,
  recipientDigest,
  stepRequestId,
} from '../../functions/domain/request.js';
import { postIdempotencyKey } from '../../functions/forms/form.js';
import { ensureRequest, mintLink } from '../../functions/lifecycle/asks.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { usage } from '../../infra/local/usage.js';
import { createCohort, startTestSystem, testCohort } from '../support/local-system.js';
import { interimAnswers } from '../support/programme.js';

/**
 * A post answers once: the answer's conditional write is what makes a second post harmless, and the page
 * of the post that answered is kept (one write, its key noted on the request by the answering write), so
 * the same post again gets it back, at once or later, and a different one is told it was already answered.
 */
let system: LocalSystem;
const store = () => system.dependencies.store;
beforeAll(async () => {
  system = await startTestSystem();
  await createCohort(system);
});
afterAll(() => system.stop());

const post = async (link: string, values: Record<string, string>) => {
  const response = await fetch(link, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(values).toString(),
  });
  return { status: response.status, body: await response.text() };
};

let counter = 0;
/** A participant in the programme with their interim task asked by an emailed link, as the lifecycle asks it. */
async function askedForTask() {
  counter += 1;
  const participant = Participant.parse({
    participantId: `p-form-replays-${counter}`,
    person: { name: 'Asha Patel', email: `replays-${counter}@school.test` },
    school: 'Hillside Primary',
    seniorLeader: { name: 'Sam Okafor', email: `head-replays-${counter}@school.test`, role: 'Head' },
    programmeId: testCohort.programmeId,
    pathway: testCohort.pathway,
    cohortId: testCohort.cohortId,
    stage: 'in-programme',
    enrolledAt: '2026-09-01T09:00:00.000Z',
  });
  await store().participants.create(participant);
  const request = await ensureRequest(
    {
      requestId: stepRequestId('interim-task', participant.participantId),
      kind: 'submission',
      participantId: participant.participantId,
      stepId: 'interim-task',
      recipient: participant.person,
    },
    { reminderAfterDays: [], expiresAfterDays: 30 },
    system.dependencies,
  );
  const link = await mintLink(request, participant.person.email, system.dependencies);
  return { participant, request, link, path: link.split('/r/')[1] ?? '' };
}

describe('a double post of an answer', () => {
  it('two identical posts at once both get the thank-you page; one answer, one page kept under the key the request notes', async () => {
    const { participant, request, link, path } = await askedForTask();
    const [first, second] = await Promise.all([post(link, interimAnswers), post(link, interimAnswers)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body).toContain('We have your answers');
    expect(second.body).toBe(first.body);

    const key = postIdempotencyKey(path, interimAnswers);
    const answered = await store().requests.get(request.requestId);
    expect(answered?.replays).toEqual([key]);
    expect(answered?.replayPage).toMatchObject({ key, statusCode: 200, body: first.body });
    const recorded = (await store().participants.get(participant.participantId))?.progress['interim-task'];
    expect(recorded).toMatchObject({ outcome: 'submitted', attempt: 1, answers: interimAnswers });
  });

  it('the same post later gets the same page back; a different one is told the first answer stands', async () => {
    const { participant, link } = await askedForTask();
    const first = await post(link, interimAnswers);
    expect(first.status).toBe(200);
    const revision = (await store().participants.get(participant.participantId))?.revision;

    expect(await post(link, interimAnswers)).toEqual(first);
    const different = await post(link, { ...interimAnswers, evaluation: 'Changed my mind' });
    expect(different.status).toBe(409);
    expect(different.body).toContain('is already recorded');
    const after = await store().participants.get(participant.participantId);
    expect(after?.revision).toBe(revision);
    expect(after?.progress['interim-task']).toMatchObject({ answers: interimAnswers });
  });

  it('a page of errors is neither kept nor noted: the request still takes the answer', async () => {
    const { request, link, path } = await askedForTask();
    const incomplete = { plan: 'A plan' };
    expect((await post(link, incomplete)).status).toBe(422);
    expect((await store().requests.get(request.requestId))?.replays).toBeUndefined();
    expect((await post(link, interimAnswers)).status).toBe(200);
    // Kept is the page of the post that answered, not the page of errors before it.
    const answered = await store().requests.get(request.requestId);
    expect(answered?.replayPage?.key).toBe(postIdempotencyKey(path, interimAnswers));
    expect(await post(link, incomplete)).toMatchObject({ status: 409 });
  });
});

describe("a form's DynamoDB calls", () => {
  /** The Forms function's DynamoDB calls while `act` runs, by action. */
  async function callsOf(act: () => Promise<unknown>) {
    usage.start(system.clock, { captureLogs: false });
    try {
      await act();
      const calls = usage.snapshot().calls.Forms ?? {};
      return Object.fromEntries(
        Object.entries(calls)
          .filter(([action]) => action.startsWith('dynamodb:'))
          .map(([action, { calls: n }]) => [action.slice('dynamodb:'.length), n]),
      );
    } finally {
      usage.stop();
    }
  }

  it('a page reads the link, its request and the participant at once; an answer adds its writes', async () => {
    const { link, request } = await askedForTask();
    // The link is kept on its request: no item of its own.
    expect(await store().links.ofRequest(request.requestId)).toEqual([]);
    expect(await callsOf(() => fetch(link))).toEqual({ BatchGetItem: 1 });
    // The link, its request and participant; the outcome on the record, the answer with its page.
    expect(await callsOf(() => post(link, interimAnswers))).toEqual({ BatchGetItem: 1, UpdateItem: 2 });
    // The same post again: its page, from the request as the link read it.
    expect(await callsOf(() => post(link, interimAnswers))).toEqual({ BatchGetItem: 1 });
  });

  it('a link emailed before links named their request (the secret alone) reads the link first, and still answers', async () => {
    const { participant, request, link } = await askedForTask();
    // Such links were kept as items of their own.
    const secret = newLinkSecret();
    const linkHash = hashLinkSecret(secret);
    await store().links.create({
      linkHash,
      requestId: request.requestId,
      participantId: participant.participantId,
      sentTo: recipientDigest(linkHash, participant.person.email),
      createdAt: request.createdAt,
      expiresAt: request.expiresAt,
    });
    const secretAlone = `${link.slice(0, link.indexOf('/r/') + '/r/'.length)}${secret}`;
    expect(secretAlone).toMatch(/\/r\/[A-Za-z0-9_-]{43}$/);
    expect(await callsOf(() => fetch(secretAlone))).toEqual({ GetItem: 1, BatchGetItem: 1 });
    expect(await callsOf(() => post(secretAlone, interimAnswers))).toEqual({
      GetItem: 1,
      BatchGetItem: 1,
      UpdateItem: 2,
    });
    expect((await post(link, interimAnswers)).status).toBe(409);
  });
});
