import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Retention } from '../../functions/admin/retention.js';
import { type Participant, participantIdFor } from '../../functions/domain/participant.js';
import { newRequest, stepRequestId } from '../../functions/domain/request.js';
import { DAY } from '../../functions/domain/time.js';
import { lambdaContext } from '../../infra/local/lambda-context.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { BUCKET, everythingHeld, localS3, whereHeld } from '../support/held-data.js';
import { checkInvariantsAfterEach } from '../support/invariants.js';
import { createCohort, startTestSystem, testCohort } from '../support/local-system.js';
import { participantRecord } from '../support/records.js';

/**
 * The retention job anonymises participants whose programme ended and whose record has been idle for the
 * retention period (6 years by default), as erase-person does; everyone else is left alone. Seeded straight
 * into the store, since nobody waits six years for a test: two who finished (one long ago, one lately),
 * and an accredited lead from long ago, whose accreditation is still current.
 */

let system: LocalSystem;
const YEAR = 365 * DAY;
const seeded: Record<'longAgo' | 'lately' | 'stillAccredited', Participant> = {} as never;
const answers = {
  longAgo: 'Ffion long-ago answer about place value',
  lately: 'Idris recent answer about fluency',
};

/** A finished participant whose last activity was `yearsAgo` years ago: a submitted task, a file, then withdrawn. */
async function finished(email: string, name: string, answer: string, yearsAgo: number) {
  const at = new Date(system.clock.now().getTime() - yearsAgo * YEAR).toISOString();
  const participant = await participantRecord(system, testCohort.cohortId, email, {
    person: { name, email },
    school: `${name} School`,
    enrolledAt: at,
    stage: 'withdrawn',
    withdrawal: { reason: `${name} moved abroad`, at },
    progress: {
      'interim-task': { outcome: 'submitted', attempt: 1, submittedAt: at, answers: { plan: answer } },
    },
  });
  const requestId = stepRequestId('interim-task', participant.participantId, 1);
  const ask = newRequest(
    {
      requestId,
      kind: 'submission',
      participantId: participant.participantId,
      recipient: participant.person,
    },
    { reminderAfterDays: [], expiresAfterDays: 14 },
    new Date(at),
  );
  await system.dependencies.store.requests.create(ask);
  await localS3(system).send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: `uploads/${requestId}/f/${name} plan.pdf`,
      Body: '%PDF-1.4',
    }),
  );
  return participant;
}

const identifiersOf = (p: Participant, answer: string) => [
  p.person.name,
  p.person.email,
  p.school,
  p.seniorLeader.email,
  answer,
  `${p.person.name} plan.pdf`,
  `${p.person.name} moved abroad`,
];

beforeAll(async () => {
  system = await startTestSystem();
  await createCohort(system);
  seeded.longAgo = await finished('ffion@retention.test', 'Ffion Rhys', answers.longAgo, 7);
  seeded.lately = await finished('idris@retention.test', 'Idris Bello', answers.lately, 2);
  const accreditedAt = new Date(system.clock.now().getTime() - 7 * YEAR).toISOString();
  seeded.stillAccredited = await participantRecord(system, testCohort.cohortId, 'olu@retention.test', {
    enrolledAt: accreditedAt,
    stage: 'accredited',
    accreditation: { verificationCode: 'TEST-0000-0002', accreditedAt, listedInDirectory: false },
  });
});
afterAll(() => system.stop());
// Written straight into the store: no execution carries them on (the accredited one would need one).
checkInvariantsAfterEach(() => system, {
  seededWithoutExecution: [participantIdFor(testCohort.cohortId, 'olu@retention.test')],
});

describe('retention', () => {
  it('is six years unless configured', () => {
    expect(system.dependencies.settings.RETENTION_YEARS).toBe(6);
  });

  it('a dry run (the admin command by default) lists, by id only, who would be anonymised, and changes nothing', async () => {
    const before = await everythingHeld(system);
    expect(await system.admin({ command: 'retention-run' })).toEqual({
      command: 'retention-run',
      dryRun: true,
      retentionYears: 6,
      participantIds: [seeded.longAgo.participantId],
    });
    expect(await everythingHeld(system)).toEqual(before);
  });

  it('the scheduled run anonymises them everywhere, and leaves the others as they were', async () => {
    const run = Retention.handler(() => system.dependencies);
    // What the schedule sends: `{}`, which the handler's schema reads as not a dry run.
    expect(await run({} as never, lambdaContext('Retention'))).toEqual({
      dryRun: false,
      retentionYears: 6,
      participantIds: [seeded.longAgo.participantId],
    });
    const held = await everythingHeld(system);
    expect(whereHeld(held, identifiersOf(seeded.longAgo, answers.longAgo))).toEqual([]);
    for (const value of identifiersOf(seeded.lately, answers.lately))
      expect(whereHeld(held, [value]).length, value).toBeGreaterThan(0);
    expect(await system.dependencies.store.participants.get(seeded.stillAccredited.participantId)).toEqual(
      seeded.stillAccredited,
    );
    const cohort = await system.dependencies.store.participants.inCohort(testCohort.cohortId);
    expect(cohort.filter((p) => p.erasure)).toMatchObject([
      { stage: 'withdrawn', progress: { 'interim-task': { outcome: 'submitted', answers: {} } } },
    ]);
  });

  it('run again, finds nobody: an anonymised record is never due', async () => {
    expect(await system.admin({ command: 'retention-run', dryRun: false })).toMatchObject({
      participantIds: [],
    });
  });
});
