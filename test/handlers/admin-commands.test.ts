import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputIssues } from '../../functions/admin/command.js';
import type { Participant } from '../../functions/domain/participant.js';
import type { LocalSystem } from '../../infra/local/system.js';
import {
  createCohort,
  enrol,
  recordedExecution,
  startTestSystem,
  testCohort,
} from '../support/local-system.js';
import { accreditedLongAgo, participantRecord } from '../support/records.js';

/** The Admin function through its middy adapter, as `aws lambda invoke` reaches it. */
let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem();
  await createCohort(system);
});
afterAll(() => system.stop());

describe('admin commands', () => {
  it('rejects a malformed command at the edge, naming each wrong field and why', async () => {
    const refused = system.admin({
      command: 'enrol-participant',
      cohortId: testCohort.cohortId,
      participant: { name: 'A', email: 'not-an-email' },
      seniorLeader: { name: 'Sam Okafor' },
    });
    await expect(refused).rejects.toMatchObject({ name: 'AdminInputInvalid' });
    expect(inputIssues(((await refused.catch((e) => e)) as Error).message)).toEqual([
      // The example address in the message is taken out as any address is, on the way out of the handler.
      { path: 'participant.email', message: 'Enter an email address like <email address>' },
      { path: 'school', message: 'required' },
      { path: 'seniorLeader.email', message: 'Enter an email address like <email address>' },
    ]);
  });

  it('names every wrong field of a cohort, not "Failed to parse schema"', async () => {
    const refused = (await system
      .admin({
        command: 'create-cohort',
        cohort: {
          ...testCohort,
          pathway: 'infants',
          startsOn: '15/01/2027',
          cohortLead: { name: 'Casey Lead' },
          schedule: { ...testCohort.schedule, 'day-2': { starts: '2027-02-30T09:00', venue: '' } },
        },
      })
      .catch((e) => e)) as Error;
    expect(refused.name).toBe('AdminInputInvalid');
    expect(inputIssues(refused.message).map((issue) => issue.path)).toEqual([
      'cohort.pathway',
      'cohort.cohortLead.email',
      'cohort.startsOn',
      'cohort.schedule.day-2',
    ]);
    expect(refused.message).toMatch(/cohort\.pathway: .*primary/);
    expect(refused.message).toMatch(/cohort\.schedule\.day-2: .*ends required.*; or deadline required/);
  });

  it('names an unknown command with the ones there are', async () => {
    const refused = (await system.admin({ command: 'enrol-everyone' }).catch((e) => e)) as Error;
    expect(refused).toMatchObject({ name: 'AdminInputInvalid' });
    expect(refused.message).toMatch(/^command: one of create-cohort, enrol-participant, /);
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
    expect((await recordedExecution(system, first.participantId)).executionArn).toBe(first.executionArn);
  });

  it('refuses a cohort whose schedule misses a step or runs out of order, saying which', async () => {
    const { pdlperf: _, ...incomplete } = testCohort.schedule;
    await expect(
      system.admin({
        command: 'create-cohort',
        cohort: { ...testCohort, cohortId: 'incomplete-schedule', schedule: incomplete },
      }),
    ).rejects.toMatchObject({
      name: 'AdminCommandRejected',
      message: 'Cohort schedule: pdlperf: give its deadline',
    });
  });

  it('refuses an extension in the past, or for a step that has no deadline', async () => {
    const { participantId } = await enrol(system, { email: 'extension-refused@school.test' });
    const extend = (stepId: string, until: string) =>
      system.admin({ command: 'grant-extension', participantId, stepId, until });
    await expect(extend('interim-task', '2020-01-01T17:00')).rejects.toMatchObject({
      message: 'The new deadline must be in the future',
    });
    await expect(extend('day-1', '2099-01-01T17:00')).rejects.toMatchObject({
      message: expect.stringContaining('is not a task or framework submission'),
    });
    await expect(extend('interim-task', 'next Friday')).rejects.toMatchObject({ name: 'AdminInputInvalid' });
    expect((await system.dependencies.store.participants.get(participantId))?.deadlines).toEqual({});
  });

  it('refuses to change a day with a deadline, or a date out of order, and changes nothing', async () => {
    const before = (await system.dependencies.store.cohorts.get(testCohort.cohortId))?.schedule;
    const change = (stepId: string, schedule: object) =>
      system.admin({ command: 'change-date', cohortId: testCohort.cohortId, stepId, schedule });
    await expect(change('day-1', { deadline: '2099-01-01T17:00' })).rejects.toMatchObject({
      message: '"day-1" needs starts, ends and venue',
    });
    await expect(
      change('day-2', { starts: '2000-01-01T09:00', ends: '2000-01-01T16:00', venue: 'Leeds' }),
    ).rejects.toMatchObject({ message: expect.stringContaining('day-2: starts before the step it follows') });
    expect((await system.dependencies.store.cohorts.get(testCohort.cohortId))?.schedule).toEqual(before);
  });

  it("puts the cohort's Maths Hub on the record at enrolment, and the later cohort's on a deferral", async () => {
    const { participantId } = await enrol(system, { email: 'defer-hub@school.test' });
    const { participants } = system.dependencies.store;
    expect((await participants.get(participantId))?.mathsHub).toBe(testCohort.mathsHub);
    await system.admin({
      command: 'create-cohort',
      cohort: { ...testCohort, cohortId: 'pd-lead-elsewhere', mathsHub: 'Elsewhere Maths Hub' },
    });
    await system.admin({
      command: 'defer-participant',
      participantId,
      toCohortId: 'pd-lead-elsewhere',
      reason: 'Moved school',
    });
    expect(await participants.get(participantId)).toMatchObject({
      cohortId: 'pd-lead-elsewhere',
      mathsHub: 'Elsewhere Maths Hub',
    });
  });

  it('refuses to defer into a cohort of another programme, and to act on a withdrawn participant', async () => {
    const { participantId } = await enrol(system, { email: 'defer-refused@school.test' });
    const day = (starts: string, ends: string) => ({ starts, ends, venue: 'Hub' });
    await system.admin({
      command: 'create-cohort',
      cohort: {
        ...testCohort,
        cohortId: 'mastery-elsewhere',
        programmeId: 'primary-mastery-specialist',
        schedule: {
          'residential-1': day('2099-01-05T09:30', '2099-01-06T15:30'),
          'colleague-task': { deadline: '2099-02-01T17:00' },
          'intervention-task': { deadline: '2099-02-15T17:00' },
          'residential-2': day('2099-03-01T09:30', '2099-03-02T15:30'),
          'big-idea-task': { deadline: '2099-04-01T17:00' },
          'residential-3': day('2099-05-01T09:30', '2099-05-02T15:30'),
        },
      },
    });
    await expect(
      system.admin({
        command: 'defer-participant',
        participantId,
        toCohortId: 'mastery-elsewhere',
        reason: 'x',
      }),
    ).rejects.toMatchObject({ message: 'Cohort mastery-elsewhere runs a different programme' });
    await expect(
      system.admin({
        command: 'defer-participant',
        participantId,
        toCohortId: 'no-such-cohort',
        reason: 'x',
      }),
    ).rejects.toMatchObject({ message: 'No cohort "no-such-cohort"' });
    await system.admin({ command: 'withdraw-participant', participantId, reason: 'Left' });
    await expect(
      system.admin({
        command: 'defer-participant',
        participantId,
        toCohortId: testCohort.cohortId,
        reason: 'x',
      }),
    ).rejects.toMatchObject({ message: `Participant ${participantId} has been withdrawn` });
    expect(
      await system.admin({ command: 'withdraw-participant', participantId, reason: 'Again' }),
    ).toMatchObject({
      alreadyWithdrawn: true,
    });
    expect((await system.dependencies.store.participants.get(participantId))?.withdrawal?.reason).toBe(
      'Left',
    );
  });

  it('refuses what does not apply: deferring a finished participant, extending or reinstating what is not there', async () => {
    const { participantId } = await enrol(system, { email: 'finished@school.test' });
    await system.dependencies.store.participants.setStage(participantId, 'accredited');
    await expect(
      system.admin({
        command: 'defer-participant',
        participantId,
        toCohortId: testCohort.cohortId,
        reason: 'x',
      }),
    ).rejects.toMatchObject({
      message: `Participant ${participantId} has finished the programme (accredited): there is nothing to defer`,
    });
    for (const stepId of ['re-registration-1', 'termly-spring-2027'])
      await expect(
        system.admin({ command: 'grant-extension', participantId, stepId, until: '2099-01-01T17:00' }),
      ).rejects.toMatchObject({ message: `Participant ${participantId} has no open ask "${stepId}"` });
    await expect(
      system.admin({ command: 'grant-extension', participantId, stepId: 'day-1', until: '2099-01-01T17:00' }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('"day-1" is not a task or framework submission'),
    });
    await expect(system.admin({ command: 'reach-report', cohortId: 'no-such-cohort' })).rejects.toMatchObject(
      {
        message: 'No cohort "no-such-cohort"',
      },
    );
    await expect(
      system.admin({
        command: 'reinstate-accreditation',
        participantId,
        reason: 'x',
        reRegisterBy: '2099-01-01T17:00',
      }),
    ).rejects.toMatchObject({
      message: `Participant ${participantId}: the accreditation has not lapsed`,
    });
  });

  it('resume-participant: a running execution is left alone; someone with nothing to run is told which command applies', async () => {
    const { participantId, executionArn } = await enrol(system, { email: 'resume-running@school.test' });
    expect(await system.admin({ command: 'resume-participant', participantId })).toEqual({
      command: 'resume-participant',
      participantId,
      execution: { workflow: 'ParticipantLifecycle', name: participantId },
      alreadyRunning: true,
    });
    expect(system.stepFunctions.listExecutions().filter((e) => e.input.includes(participantId))).toHaveLength(
      1,
    );
    expect(system.stepFunctions.describeExecution(executionArn).status).toBe('RUNNING');

    const at = system.clock.now().toISOString();
    const refused = {
      'resume-lapsed@school.test': [
        { ...accreditedLongAgo(system), stage: 'lapsed', lapse: { reason: 'Not re-registered', at } },
        ': the accreditation has lapsed; to carry on, reinstate it (reinstate-accreditation)',
      ],
      'resume-withdrawn@school.test': [
        { stage: 'withdrawn', withdrawal: { reason: 'Left', at } },
        ' has been withdrawn: there is nothing to resume',
      ],
      'resume-completed@school.test': [
        { stage: 'completed' },
        ' has finished the programme (completed): there is nothing to resume',
      ],
      'resume-not-accredited@school.test': [
        { stage: 'not-accredited' },
        ' has finished the programme (not-accredited): there is nothing to resume',
      ],
    } as const;
    for (const [email, [record, message]] of Object.entries(refused)) {
      const { participantId } = await participantRecord(system, testCohort.cohortId, email, record);
      await expect(system.admin({ command: 'resume-participant', participantId })).rejects.toMatchObject({
        name: 'AdminCommandRejected',
        message: `Participant ${participantId}${message}`,
      });
      expect((await system.dependencies.store.participants.get(participantId))?.execution).toBeUndefined();
    }
  });

  it('a rejection names the participant by id, never by name or address (it is the error the logs keep)', async () => {
    const at = system.clock.now().toISOString();
    const person = { name: 'Zofia Wiśniewska', email: 'zofia@rejections.test' };
    const rejectionsOf = async (email: string, record: Partial<Participant>, commands: object[]) => {
      const { participantId } = await participantRecord(system, testCohort.cohortId, email, {
        ...record,
        person: { ...person, email },
      });
      const messages: string[] = [];
      for (const command of commands)
        await system.admin({ participantId, ...command }).catch((error: Error) => {
          expect(error.name).toBe('AdminCommandRejected');
          messages.push(error.message);
        });
      expect(messages).toHaveLength(commands.length);
      return { participantId, messages };
    };
    const extension = { command: 'grant-extension', stepId: 're-registration-1', until: '2099-01-01T17:00' };
    const reinstatement = {
      command: 'reinstate-accreditation',
      reason: 'x',
      reRegisterBy: '2099-01-01T17:00',
    };
    const deferral = { command: 'defer-participant', toCohortId: testCohort.cohortId, reason: 'x' };
    const resume = { command: 'resume-participant' };
    const all = [
      await rejectionsOf(
        'withdrawn@rejections.test',
        { stage: 'withdrawn', withdrawal: { reason: 'Left', at } },
        [extension, deferral, reinstatement, resume],
      ),
      await rejectionsOf(
        'lapsed@rejections.test',
        { ...accreditedLongAgo(system), stage: 'lapsed', lapse: { reason: 'Not re-registered', at } },
        [extension, deferral, resume],
      ),
      await rejectionsOf('accredited@rejections.test', { stage: 'accredited' }, [extension, reinstatement]),
      await rejectionsOf('declined@rejections.test', { stage: 'commitment-declined' }, [resume]),
    ];
    for (const { participantId, messages } of all)
      for (const message of messages) {
        expect(message).toContain(participantId);
        expect(message).not.toMatch(/Zofia|Wiśniewska|@rejections\.test/);
      }
  });

  it('an extension or a moved date names whoever had no waiting execution to wake', async () => {
    const cohortId = 'woken-cohort';
    await system.admin({ command: 'create-cohort', cohort: { ...testCohort, cohortId } });
    // On the programme, but no execution waits for them (it stopped, say).
    const { participantId } = await participantRecord(system, cohortId, 'nobody-waiting@school.test');
    const stranded = { participantId, name: 'Asha Patel' };
    expect(
      await system.admin({
        command: 'grant-extension',
        participantId,
        stepId: 'interim-task',
        until: '2099-01-01T17:00',
      }),
    ).toMatchObject({ waitsWoken: 0, notWoken: [stranded] });
    const { deadline } = testCohort.schedule.pdlperf;
    expect(
      await system.admin({ command: 'change-date', cohortId, stepId: 'pdlperf', schedule: { deadline } }),
    ).toEqual({ command: 'change-date', cohortId, waitsWoken: 0, notWoken: [stranded] });
  });
});
