import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { milestonePattern } from '../../events/milestones.js';
import { Participant } from '../../functions/domain/participant.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { milestoneStream } from '../../infra/milestone-stream.js';
import { accreditationTable } from '../../infra/table-design.js';
import { createCohort, startTestSystem, testCohort } from '../support/local-system.js';

/**
 * The local runtime's stream of the table (dynalite has none) through the real PublishMilestones handler
 * to the local milestone bus: what a failing record does to the rest, and concurrent writes to one record.
 */
let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem();
  await createCohort(system);
});
afterAll(() => system.stop());

const participant = (participantId: string, cohortId = testCohort.cohortId) =>
  Participant.parse({
    participantId,
    person: { name: 'Asha Patel', email: `${participantId}@school.test` },
    school: 'Hillside Primary',
    seniorLeader: { name: 'Sam Okafor', email: `head-of-${participantId}@school.test` },
    programmeId: testCohort.programmeId,
    pathway: testCohort.pathway,
    cohortId,
    stage: 'in-programme',
    enrolledAt: system.clock.now().toISOString(),
  });
const publishedFor = (participantId: string) =>
  system.eventBus.events(milestonePattern(undefined, { participantId: [participantId] }));

describe('the local table stream', () => {
  it('retries a record it cannot publish, then sets it aside; the records after it are still published, in order', async () => {
    const { participants } = system.dependencies.store;
    // Its cohort does not exist, so its Maths Hub cannot be found: PublishMilestones reports it failed.
    await participants.create(participant('p-orphan', 'no-such-cohort'));
    await participants.create(participant('p-after-orphan'));
    await system.tableStream.drained();

    expect(system.tableStream.deadLetters.map((r) => r.dynamodb.Keys.PK?.S)).toEqual([
      'PARTICIPANT#p-orphan',
    ]);
    expect(publishedFor('p-orphan')).toEqual([]);
    expect(publishedFor('p-after-orphan').map((e) => e['detail-type'])).toEqual(['ParticipantEnrolled']);
    expect(milestoneStream.retryAttempts).toBeGreaterThan(0);
  });

  it('writes at once to one record each get their own old and new image: every outcome published once', async () => {
    const { participants } = system.dependencies.store;
    await participants.create(participant('p-busy'));
    const recordedAt = system.clock.now().toISOString();
    const steps = ['day-1', 'interim-task', 'interim-feedback', 'day-2', 'pdlperf'];
    await Promise.all(
      steps.map((stepId) =>
        participants.recordStepOutcome('p-busy', stepId, {
          outcome: 'attended',
          recordedAt,
          recordedBy: 'Casey',
        }),
      ),
    );
    await system.tableStream.drained();

    const published = publishedFor('p-busy');
    expect(published.map((e) => e['detail-type'])).toEqual([
      'ParticipantEnrolled',
      ...steps.map(() => 'DevelopmentDayAttended'),
    ]);
    expect(new Set(published.map((e) => e.detail.stepId))).toEqual(new Set([undefined, ...steps]));
  });

  it("stamps each record on the local clock, which the table's own thread reads as the clock moves", async () => {
    const { participants } = system.dependencies.store;
    // Ninety days on: a record stamped by real time, not the moved clock, would say today.
    system.clock.advance(90 * 86_400_000);
    const changedAt = system.clock.now();
    await participants.create({ ...participant('p-expired'), stage: 'commitment-expired' });
    await system.tableStream.drained();

    const [expired] = publishedFor('p-expired').filter((e) => e['detail-type'] === 'CommitmentExpired');
    const at = Date.parse(String(expired?.detail.at));
    expect(at).toBeGreaterThan(changedAt.getTime() - 1000);
    expect(at).toBeLessThanOrEqual(system.clock.now().getTime());
  });

  it('refuses from its own thread what DynamoDB refuses; a write whose condition fails makes no record', async () => {
    const { participants } = system.dependencies.store;
    expect(await participants.create(participant('p-twice'))).toBe(true);
    // A second create of the same record fails its condition, as on DynamoDB: no change, no milestone.
    expect(await participants.create({ ...participant('p-twice'), school: 'Elsewhere' })).toBe(false);
    await system.tableStream.drained();
    expect(publishedFor('p-twice').map((e) => e['detail-type'])).toEqual(['ParticipantEnrolled']);
    const client = new DynamoDBClient({
      region: 'eu-west-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      endpoint: system.urls.dynamodb,
    });
    await expect(
      client.send(new GetItemCommand({ TableName: accreditationTable.TableName, Key: {} })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
