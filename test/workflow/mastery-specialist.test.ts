import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masterySpecialistSchedule } from '../../infra/local/demo-schedule.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { checkInvariantsAfterEach } from '../support/invariants.js';
import { linkIn, mailbox, startTestSystem, waitForState, waitForStatus } from '../support/local-system.js';
import { advanceTo, lead, post, readyForDayOne, recordAttendance } from '../support/programme.js';

/**
 * The second programme, from its JSON definition alone: three two-day residentials with intersessional
 * tasks between them and no assessment. The same ASL runs it; nothing in the code names its steps.
 */
let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());
checkInvariantsAfterEach(() => system);

describe('the Primary Mastery Specialist development year', () => {
  it('runs three residentials and the intersessional tasks to completion', async () => {
    const schedule = masterySpecialistSchedule(system.clock.now());
    await system.admin({
      command: 'create-cohort',
      cohort: {
        cohortId: 'mastery-north',
        programmeId: 'primary-mastery-specialist',
        pathway: 'primary',
        mathsHub: 'North Star Maths Hub',
        name: 'Mastery Specialists, cohort 12',
        cohortLead: { name: 'Casey Lead', email: lead },
        startsOn: schedule['residential-1'].starts.slice(0, 10),
        schedule,
      },
    });
    const who = await readyForDayOne(system, 'mastery-north', 'specialist@school.test');
    const mail = mailbox(system);

    advanceTo(system, schedule['residential-1'].starts, -20 * 86_400_000);
    const joining = await mail.waitForEmail(who.participant, /^Residential 1: addition and subtraction/);
    expect(joining.body.text).toContain('residential');
    await waitForState(system, who.executionArn, 'AtDevelopmentDay');
    advanceTo(system, schedule['residential-1'].ends);
    await recordAttendance(system, 'Residential 1: addition and subtraction', [who], 'attended');

    for (const task of ['work with a colleague', 'run an intervention']) {
      const brief = await mail.waitForEmail(who.participant, new RegExp(`Intersessional task: ${task}`));
      expect((await post(linkIn(brief), { whatYouDid: 'Did it.', whatYouLearned: 'Learned.' })).status).toBe(
        200,
      );
    }
    await waitForState(system, who.executionArn, 'AtDevelopmentDay');
    advanceTo(system, schedule['residential-2'].ends);
    await recordAttendance(system, 'Residential 2: multiplication and division', [who], 'attended');

    const bigIdea = await mail.waitForEmail(who.participant, /Intersessional task: reflect on a big idea/);
    expect((await post(linkIn(bigIdea), { whatYouDid: 'Reflected.', whatYouLearned: 'Much.' })).status).toBe(
      200,
    );
    await waitForState(system, who.executionArn, 'AtDevelopmentDay');
    advanceTo(system, schedule['residential-3'].ends);
    await recordAttendance(system, 'Residential 3: leading a Teacher Research Group', [who], 'attended');

    await mail.waitForEmail(who.participant, /You have completed the Primary Mastery Specialist/);
    await waitForStatus(system, who.executionArn, 'SUCCEEDED');
    const execution = system.stepFunctions.describeExecution(who.executionArn);
    expect(execution.statesEntered.at(-1)).toBe('ProgrammeCompleted');
    expect(execution.statesEntered).not.toContain('AtAssessment');
    const record = await system.dependencies.store.participants.get(who.participantId);
    expect(record?.stage).toBe('completed');
    expect(Object.keys(record?.progress ?? {}).sort()).toEqual(Object.keys(schedule).sort());
  });
});
