import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../infra/local/system.js';
import { createCohort, enrol, startTestSystem, testCohort } from '../support/local-system.js';

/** The Admin function through its middy adapter, as `aws lambda invoke` reaches it. */
let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem();
  await createCohort(system);
});
afterAll(() => system.stop());

describe('admin commands', () => {
  it('rejects a malformed command at the edge, naming the problem', async () => {
    await expect(
      system.admin({
        command: 'enrol-participant',
        cohortId: testCohort.cohortId,
        participant: { name: 'A', email: 'not-an-email' },
      }),
    ).rejects.toMatchObject({ name: 'ParseError' });
  });

  it('refuses to enrol into a cohort that does not exist', async () => {
    await expect(
      system.admin({
        command: 'enrol-participant',
        cohortId: 'no-such-cohort',
        participant: { name: 'Asha Patel', email: 'asha@school.test' },
        school: 'Hillside Primary',
        seniorLeader: { name: 'Sam Okafor', email: 'head@school.test' },
      }),
    ).rejects.toMatchObject({
      name: 'AdminCommandRejected',
      message: expect.stringContaining('create it first'),
    });
  });

  it('refuses a cohort on a pathway its programme does not have', async () => {
    await expect(
      system.admin({
        command: 'create-cohort',
        cohort: {
          ...testCohort,
          cohortId: 'pms-secondary',
          programmeId: 'primary-mastery-specialist',
          pathway: 'secondary',
        },
      }),
    ).rejects.toMatchObject({ name: 'AdminCommandRejected' });
  });

  it('creating the same cohort twice is harmless; changing it that way is refused', async () => {
    expect(await createCohort(system)).toMatchObject({ created: false });
    await expect(
      system.admin({ command: 'create-cohort', cohort: { ...testCohort, name: 'Renamed' } }),
    ).rejects.toMatchObject({
      name: 'AdminCommandRejected',
    });
  });

  it('enrolling twice lands on the same participant and the same execution', async () => {
    const first = await enrol(system, { email: 'twice@school.test' });
    const second = await enrol(system, { email: 'TWICE@school.test' });
    expect(second.participantId).toBe(first.participantId);
    expect(second.executionArn).toBe(first.executionArn);
    expect(second).toMatchObject({ alreadyEnrolled: true });
    expect(system.stepFunctions.listExecutions().filter((e) => e.name === first.participantId)).toHaveLength(
      1,
    );
  });
});
