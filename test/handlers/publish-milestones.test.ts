import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { MILESTONE_SOURCE, type Milestone } from '../../events/milestones.js';
import { publishMilestones, StreamBatch } from '../../functions/events/publish-milestones.js';
import type { Dependencies } from '../../functions/shared/dependencies.js';
import { eventBridgeMilestoneBus } from '../../functions/shared/milestone-bus.js';

/** PublishMilestones on stream batches, with a milestone bus that can refuse, and the bus's PutEvents. */

/** A record as enrolled before it kept its cohort's Maths Hub: the cohort is read for it. */
const record = (participantId: string, cohortId: string) => ({
  participantId,
  person: { name: 'Asha Patel', email: 'asha@hillside.test' },
  programmeId: 'ncetm-pd-lead',
  pathway: 'primary',
  cohortId,
  stage: 'awaiting-commitment',
  enrolledAt: '2027-01-02T09:00:00.000Z',
});
/** A batch of INSERTs, one per participant, as the stream hands it to the function. */
const batch = (...records: (ReturnType<typeof record> & { mathsHub?: string })[]) =>
  StreamBatch.parse({
    Records: records.map((r, i) => ({
      eventID: `e${i}`,
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-2',
      eventSourceARN: 'arn:aws:dynamodb:eu-west-2:000000000000:table/Accreditation/stream/x',
      dynamodb: {
        ApproximateCreationDateTime: 1_800_000_000,
        Keys: marshall({ PK: `PARTICIPANT#${r.participantId}`, SK: 'PARTICIPANT' }),
        NewImage: marshall(r),
        SequenceNumber: String(100 + i),
        SizeBytes: 100,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    })),
  });

function dependencies(refuse: (milestone: Milestone) => boolean = () => false) {
  const published: Milestone[] = [];
  const deps = {
    store: {
      cohorts: {
        get: async (cohortId: string) =>
          cohortId === 'north' ? { mathsHub: 'North Star Maths Hub' } : undefined,
      },
    },
    clock: { now: () => new Date() },
    milestones: {
      async publish(milestones: Milestone[]) {
        if (milestones.some(refuse)) throw new Error('EventBridge refused milestones');
        published.push(...milestones);
      },
    },
  } as unknown as Dependencies;
  return { deps, published };
}

describe('PublishMilestones', () => {
  it("publishes each record's milestones in stream order and reports no failure", async () => {
    const { deps, published } = dependencies();
    expect(await publishMilestones(batch(record('p-one', 'north'), record('p-two', 'north')), deps)).toEqual({
      batchItemFailures: [],
    });
    expect(published.map((m) => [m.detailType, m.detail.participantId, m.detail.mathsHub])).toEqual([
      ['ParticipantEnrolled', 'p-one', 'North Star Maths Hub'],
      ['ParticipantEnrolled', 'p-two', 'North Star Maths Hub'],
    ]);
  });

  it('reports the first record it could not publish, and publishes none after it (they are retried from it)', async () => {
    const { deps, published } = dependencies((m) => m.detail.participantId === 'p-two');
    const result = await publishMilestones(
      batch(record('p-one', 'north'), record('p-two', 'north'), record('p-three', 'north')),
      deps,
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '101' }] });
    expect(published.map((m) => m.detail.participantId)).toEqual(['p-one']);
  });

  it("takes the Maths Hub from the record's image: no cohort is read", async () => {
    const { deps, published } = dependencies();
    const read = async () => {
      throw new Error('the cohort was read');
    };
    const unread = { ...deps, store: { cohorts: { get: read } } } as unknown as Dependencies;
    const carried = { ...record('p-one', 'gone'), mathsHub: 'Elsewhere Maths Hub' };
    expect(await publishMilestones(batch(carried), unread)).toEqual({ batchItemFailures: [] });
    expect(published.map((m) => [m.detail.cohortId, m.detail.mathsHub])).toEqual([
      ['gone', 'Elsewhere Maths Hub'],
    ]);
  });

  it('reports a record whose cohort it cannot find, rather than publishing it without its Maths Hub', async () => {
    const { deps, published } = dependencies();
    expect(await publishMilestones(batch(record('p-one', 'gone')), deps)).toEqual({
      batchItemFailures: [{ itemIdentifier: '100' }],
    });
    expect(published).toEqual([]);
  });
});

describe('the milestone bus', () => {
  const milestone = (i: number): Milestone => ({
    detailType: 'ParticipantEnrolled',
    detail: {
      milestoneId: `p-${i}/ParticipantEnrolled`,
      participantId: `p-${i}`,
      programmeId: 'ncetm-pd-lead',
      pathway: 'primary',
      cohortId: 'north',
      mathsHub: 'North Star Maths Hub',
      at: '2027-01-02T09:00:00.000Z',
    },
  });

  it('puts ten at a time on its bus, from the catalogue source, timed when each happened', async () => {
    const eventBridge = mockClient(EventBridgeClient);
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const bus = eventBridgeMilestoneBus({
      eventBridge: new EventBridgeClient({}),
      busName: 'pd-accreditation',
    });
    await bus.publish(Array.from({ length: 12 }, (_, i) => milestone(i)));
    const puts = eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);
    expect(puts.map((entries) => entries.length)).toEqual([10, 2]);
    expect(puts[0]?.[0]).toEqual({
      EventBusName: 'pd-accreditation',
      Source: MILESTONE_SOURCE,
      DetailType: 'ParticipantEnrolled',
      Detail: JSON.stringify(milestone(0).detail),
      Time: new Date('2027-01-02T09:00:00.000Z'),
    });
    eventBridge.restore();
  });

  it('throws, naming the milestones refused, when EventBridge refuses any entry', async () => {
    const eventBridge = mockClient(EventBridgeClient);
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException' }] });
    const bus = eventBridgeMilestoneBus({
      eventBridge: new EventBridgeClient({}),
      busName: 'pd-accreditation',
    });
    await expect(bus.publish([milestone(0), milestone(1)])).rejects.toThrow(
      'p-1/ParticipantEnrolled: ThrottlingException',
    );
    eventBridge.restore();
  });
});
