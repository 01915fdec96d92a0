import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, Table } from '../../functions/data/table.js';
import { Cohort } from '../../functions/domain/cohort.js';
import type { Commitment } from '../../functions/domain/participant.js';
import { newRequest, type Request } from '../../functions/domain/request.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { accreditationTable } from '../../infra/table-design.js';
import { createCohort, startTestSystem, testCohort } from '../support/local-system.js';
import { recordAt } from '../support/participant.js';

/** The conditional writes that keep records whole, against dynalite. */
let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

const ladder = { reminderAfterDays: [4, 8], expiresAfterDays: 14 };
/** A senior leader's commitment request for `participantId`, opened at `createdAt`: each test its own. */
const commitmentRequest = (participantId: string, createdAt: Date) =>
  newRequest(
    {
      requestId: `commitment-${participantId}`,
      kind: 'commitment',
      participantId,
      recipient: { name: 'Sam', email: 'sam@school.test' },
    },
    ladder,
    createdAt,
  );
const answer = (signedBy: string, answeredAt: Date): Commitment => ({
  decision: 'signed',
  signedBy,
  role: 'Head teacher',
  answeredAt: answeredAt.toISOString(),
  textVersion: 'v1',
  ipAddress: '192.0.2.1',
  userAgent: 'test',
});

describe('AccreditationStore', () => {
  it('the first answer to a request wins; a second is refused and changes nothing', async () => {
    const { store } = system.dependencies;
    const now = new Date('2026-11-02T09:00:00Z');
    const request = commitmentRequest('p-first-wins', now);
    expect(await store.requests.create(request)).toBe(true);
    expect(await store.requests.create(request)).toBe(false);
    await store.requests.saveTaskToken(request.requestId, 'token-a');

    const first = await store.requests.answer(request, answer('Sam Okafor', now), now);
    expect(first).toMatchObject({
      status: 'answered',
      taskToken: 'token-a',
      answer: { signedBy: 'Sam Okafor' },
    });
    expect(await store.requests.answer(request, answer('Someone Else', now), now)).toBeUndefined();
    expect((await store.requests.get(request.requestId))?.answer).toMatchObject({ signedBy: 'Sam Okafor' });
    expect(await store.requests.saveTaskToken(request.requestId, 'token-b')).toBe(false);
  });

  it('an answer about a withdrawn participant is refused, looking at the record as the caller read it', async () => {
    const { store } = system.dependencies;
    const now = new Date('2026-11-02T09:00:00Z');
    const request = commitmentRequest('p-read-withdrawn', now);
    await store.requests.create(request);
    const withdrawn = recordAt('withdrawn', {
      participantId: 'p-read-withdrawn',
      withdrawal: { reason: 'Left', at: now.toISOString() },
    });
    // Nothing in the table says so: only the record the post read does, and that is what is looked at.
    expect(
      await store.requests.answer({ ...request, about: withdrawn }, answer('Sam', now), now),
    ).toBeUndefined();
    expect((await store.requests.get(request.requestId))?.status).toBe('open');
  });

  it('reads a request with the participant it is about, whether its link names them rightly, wrongly or not at all', async () => {
    const { store } = system.dependencies;
    const now = new Date('2026-11-02T09:00:00Z');
    const request = commitmentRequest('p-with-request', now);
    await store.requests.create(request);
    await store.participants.create(recordAt('awaiting-commitment', { participantId: 'p-with-request' }));
    await store.participants.create(recordAt('awaiting-commitment', { participantId: 'p-someone-else' }));
    for (const named of ['p-with-request', undefined, 'p-someone-else']) {
      const found = await store.requestWithParticipant(request.requestId, named);
      expect([named, found.request?.requestId, found.about?.participantId]).toEqual([
        named,
        request.requestId,
        'p-with-request',
      ]);
    }
    expect(await store.requestWithParticipant('no-such-request', 'p-with-request')).toEqual({});
  });

  it('reads a link with its request and participant: kept on the request when told which, after its own item when not', async () => {
    const { store } = system.dependencies;
    const now = new Date('2026-11-02T09:00:00Z');
    const kept = { linkHash: 'f'.repeat(64), sentTo: 'digest', createdAt: now.toISOString() };
    const request = { ...commitmentRequest('p-with-link', now), links: [kept] };
    await store.requests.create(request);
    const about = recordAt('awaiting-commitment', { participantId: 'p-with-link' });
    await store.participants.create(about);
    const link = {
      ...kept,
      requestId: request.requestId,
      participantId: 'p-with-link',
      expiresAt: request.expiresAt,
    };
    const found = { link, request, about: await store.participants.get('p-with-link') };
    expect(await store.linkWithRequest(link.linkHash, link)).toEqual(found);
    // A hash the named request does not keep is no link, though the request is read all the same.
    expect(await store.linkWithRequest('e'.repeat(64), link)).toEqual({ request, about: found.about });
    // A link emailed before links named their request is an item of its own, read first.
    const old = { ...link, linkHash: 'd'.repeat(64) };
    await store.links.create(old);
    expect(await store.linkWithRequest(old.linkHash)).toEqual({ ...found, link: old });
    expect(await store.linkWithRequest('e'.repeat(64))).toEqual({});
  });

  it("keeps a post's page on the request: with the answer, or after it only for the post that answered, once", async () => {
    const { store } = system.dependencies;
    const now = new Date('2026-11-02T09:00:00Z');
    const page = (key: string, body: string) => ({ key, statusCode: 200, body });
    const withAnswer = commitmentRequest('p-page-with-answer', now);
    await store.requests.create(withAnswer);
    const answered = await store.requests.answer(
      { ...withAnswer, replayKey: 'post-a' },
      answer('Sam', now),
      now,
      { statusCode: 200, body: 'Thank you' },
    );
    expect(answered).toMatchObject({ replays: ['post-a'], replayPage: page('post-a', 'Thank you') });

    const after = commitmentRequest('p-page-after-answer', now);
    await store.requests.create(after);
    await store.requests.answer({ ...after, replayKey: 'post-b' }, answer('Sam', now), now);
    expect(await store.requests.keepReplayPage(after.requestId, page('post-other', 'Not theirs'))).toBe(
      false,
    );
    expect(await store.requests.keepReplayPage(after.requestId, page('post-b', 'Yours'))).toBe(true);
    expect(await store.requests.keepReplayPage(after.requestId, page('post-b', 'Again'))).toBe(false);
    expect((await store.requests.get(after.requestId))?.replayPage).toEqual(page('post-b', 'Yours'));
  });

  it('an answer after expiry is refused, even before the workflow marks it expired', async () => {
    const { store } = system.dependencies;
    const created = new Date('2026-11-02T09:00:00Z');
    const request = commitmentRequest('p-too-late', created);
    await store.requests.create(request);
    const late = new Date('2026-11-16T09:00:01Z');
    expect(await store.requests.answer(request, answer('Sam Okafor', late), late)).toBeUndefined();
    expect(await store.requests.expire(request.requestId)).toBe(true);
    expect(await store.requests.expire(request.requestId)).toBe(false);
  });

  it("claims an ask's email once, only on the request as it was read, and takes a claim back", async () => {
    const { store } = system.dependencies;
    const now = new Date('2026-11-02T09:00:00Z');
    const request = commitmentRequest('p-ask-claims', now);
    await store.requests.create(request);
    const read = async () => (await store.requests.get(request.requestId)) as Request;
    const link = { linkHash: 'the-ask-link', sentTo: 'digest', createdAt: now.toISOString() };
    // The ask (with the one reminder already due counted): once.
    expect(await store.requests.claimAsk(request, 1, now, link)).toBe(true);
    expect(await store.requests.claimAsk(request, 1, now, link)).toBe(false);
    const asked = await read();
    // Its link is kept by the claim's own write.
    expect(asked).toMatchObject({ invitedAt: now.toISOString(), remindersSent: 1, links: [link] });
    // A reminder: once, and only from the count it was read at.
    expect(await store.requests.claimAsk(asked, 2, now, link)).toBe(true);
    expect(await store.requests.claimAsk(asked, 2, now, link)).toBe(false);
    expect(await store.requests.claimAsk(asked, 3, now, link)).toBe(false);
    const reminded = await read();
    expect(reminded.remindersSent).toBe(2);
    // A failed send takes its claim back: the request is as it was read, and the retry claims it again.
    expect(await store.requests.releaseAsk(asked, 2, now)).toBe(true);
    expect(await store.requests.releaseAsk(asked, 2, now)).toBe(false);
    expect((await read()).remindersSent).toBe(1);
    expect(await store.requests.releaseAsk(request, 1, now)).toBe(true);
    // The links the claims kept stay, never emailed, so nobody holds them.
    expect(await read()).toEqual({ ...request, links: [link, link] });
    // Not on a request that moved since it was read: a new deadline, or answered.
    const reopened = await store.requests.reopen(
      request.requestId,
      new Date('2026-12-01T17:00:00Z'),
      [],
      now,
    );
    expect(await store.requests.claimAsk(request, 0, now, link)).toBe(false);
    await store.requests.answer(reopened as Request, answer('Sam Okafor', now), now);
    expect(await store.requests.claimAsk(reopened as Request, 0, now, link)).toBe(false);
    expect((await read()).invitedAt).toBeUndefined();
  });

  it("claims the overdue report, and a participant's outcome email, once each, and takes a claim back", async () => {
    const { store } = system.dependencies;
    const now = new Date('2026-11-02T09:00:00Z');
    const request = commitmentRequest('p-overdue-claim', now);
    await store.requests.create(request);
    expect(await store.requests.markOverdueReported(request.requestId, now)).toBe(true);
    expect(await store.requests.markOverdueReported(request.requestId, now)).toBe(false);
    expect(await store.requests.unmarkOverdueReported(request.requestId, new Date(0))).toBe(false);
    expect(await store.requests.unmarkOverdueReported(request.requestId, now)).toBe(true);
    expect(await store.requests.markOverdueReported(request.requestId, now)).toBe(true);

    const participant = recordAt('in-programme', { participantId: 'p-notified-claim' });
    await store.participants.create(participant);
    const { participantId } = participant;
    expect(await store.participants.markNotified(participantId, 'feedback#f1', now)).toBe(true);
    expect(await store.participants.markNotified(participantId, 'feedback#f1', now)).toBe(false);
    expect(await store.participants.unmarkNotified(participantId, 'feedback#f1', new Date(0))).toBe(false);
    expect(await store.participants.unmarkNotified(participantId, 'feedback#f1', now)).toBe(true);
    expect((await store.participants.get(participantId))?.notified['feedback#f1']).toBeUndefined();
    expect(await store.participants.markNotified(participantId, 'feedback#f1', now)).toBe(true);
    // Noting an email is no change a wait reacts to: the revision stays.
    expect((await store.participants.get(participantId))?.revision).toBe(participant.revision);
  });

  it('looks at a participant, their cohort and asks in one read, none there undefined', async () => {
    const { store } = system.dependencies;
    const cohort = { ...testCohort, cohortId: 'look-cohort' };
    await store.cohorts.create(Cohort.parse(cohort));
    const participant = recordAt('in-programme', { participantId: 'p-look', cohortId: cohort.cohortId });
    await store.participants.create(participant);
    const request = commitmentRequest('p-look', new Date('2026-11-02T09:00:00Z'));
    await store.requests.create(request);
    const look = await store.look({
      participantId: 'p-look',
      cohortId: cohort.cohortId,
      requestIds: ['none-such', request.requestId],
    });
    expect(look.participant).toEqual(await store.participants.get('p-look'));
    expect(look.cohort).toEqual(await store.cohorts.get(cohort.cohortId));
    expect([...look.requests]).toEqual([
      ['none-such', undefined],
      [request.requestId, request],
    ]);
    expect(await store.look({ requestIds: [request.requestId] })).toEqual({
      participant: undefined,
      cohort: undefined,
      requests: new Map([[request.requestId, request]]),
    });
  });

  it("reads a cohort's participants whole when its query takes more than one 1 MB page", async () => {
    await createCohort(system);
    // Six records of 300 KB (a long school name) are 1.8 MB: DynamoDB, and dynalite, end a page at 1 MB.
    const school = 'S'.repeat(300_000);
    const ids = Array.from({ length: 6 }, (_, i) => `p-paged-${i}`);
    for (const participantId of ids)
      await system.dependencies.store.participants.create(
        recordAt('in-programme', { participantId, cohortId: testCohort.cohortId, school }),
      );
    const found = await system.dependencies.store.participants.inCohort(testCohort.cohortId);
    expect(found.map((p) => p.participantId).sort()).toEqual(ids);
  });

  it('reads many items at once, in the order asked, past the 100 keys of one BatchGetItem', async () => {
    const { store } = system.dependencies;
    const now = new Date('2026-11-02T09:00:00Z');
    const ids = Array.from({ length: 120 }, (_, i) => `p-many-${i}`);
    for (const id of ids.filter((_, i) => i % 3 !== 0))
      await store.requests.create(commitmentRequest(id, now));
    const table = new Table(
      new DynamoDBClient({
        region: 'eu-west-2',
        endpoint: system.urls.dynamodb,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      accreditationTable.TableName,
    );
    // Some asked twice (DynamoDB refuses a batch naming a key twice: the table asks once).
    const asked = [...ids, ...ids.slice(0, 5)];
    const found = await table.getMany(asked.map((id) => keys.request(`commitment-${id}`)));
    const created = (id: string) => ids.indexOf(id) % 3 !== 0;
    expect(found.map((item) => item?.requestId)).toEqual(
      asked.map((id) => (created(id) ? `commitment-${id}` : undefined)),
    );
    expect(found[1]).not.toHaveProperty('PK');
  });
});
