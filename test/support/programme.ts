import { expect } from 'vitest';
import { DAY, londonTime } from '../../functions/domain/time.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { sign } from './commitment.js';
import {
  enrol,
  linkIn,
  mailbox,
  pdLeadSchedule,
  recordedExecution,
  type SentEmail,
  testCohort,
  waitForState,
  waitForStatus,
} from './local-system.js';

/** Drives one participant through the programme the way people do: by the links in their emails. */

type ProgrammeCohort = Awaited<ReturnType<typeof programmeCohort>>;
type Enrolled = Awaited<ReturnType<typeof readyForDayOne>>;

export const MINUTE = 60_000;

export async function post(link: string, fields: Record<string, string>) {
  const response = await fetch(link, { method: 'POST', body: new URLSearchParams(fields) });
  return { status: response.status, page: await response.text() };
}

/** Moves the local clock to just after a London time from the cohort's schedule. */
export const advanceTo = (system: LocalSystem, local: string, plus = MINUTE) =>
  advanceToInstant(system, londonTime(local), plus);

/** Moves the local clock to just after `instant`, if it is still ahead. */
export function advanceToInstant(system: LocalSystem, instant: Date, plus = MINUTE) {
  const ms = instant.getTime() + plus - system.clock.now().getTime();
  if (ms > 0) system.clock.advance(ms);
}

/** A cohort of its own per test, dated from the local clock so the schedule is always ahead. */
export async function programmeCohort(system: LocalSystem, cohortId: string, startInDays = 0) {
  const from = new Date(system.clock.now().getTime() + startInDays * 86_400_000);
  const cohort = { ...testCohort, cohortId, schedule: pdLeadSchedule(from) };
  await system.admin({ command: 'create-cohort', cohort });
  return cohort;
}

export const lead = testCohort.cohortLead.email;

/** Enrolled, and their senior leader has signed the commitment through the emailed link. */
export async function signedUp(system: LocalSystem, who: Parameters<typeof enrol>[1], cohortId: string) {
  const enrolled = await enrol(system, who, cohortId);
  const ask = await mailbox(system).waitForEmail(enrolled.leader, /^Please confirm your support/);
  await waitForState(system, enrolled.executionArn, 'AwaitCommitment');
  const signed = await post(linkIn(ask), sign);
  expect(signed.status, signed.page).toBe(200);
  return enrolled;
}

/** Enrolled, commitment signed, and waiting for development day 1. */
export async function readyForDayOne(system: LocalSystem, cohortId: string, email: string) {
  const enrolled = await signedUp(system, { email }, cohortId);
  await waitForState(system, enrolled.executionArn, 'AtDevelopmentDay');
  return enrolled;
}

/**
 * What the participant and the cohort lead type into the PD Lead programme's forms, whether in the
 * browser or posted directly. Line breaks, quotes, ampersands and angle brackets: whatever way they
 * arrive, they must be stored, shown and emailed exactly as typed.
 */
export const interimAnswers = {
  plan: 'A lesson-study group of four Year 5 & 6 teachers ("the maths team").\nAims: reasoning <and> fluency, from day 1.',
  whatHappened: 'Three cycles of planning and observation.',
  evaluation: 'Teachers used more representations;\npupils explained more.',
};
export const feedbackGiven = 'Strong evaluation.\nSay more about the impact on pupils & how you know.';
export const frameworkAnswers = {
  planning: 'Planned from the teachers\' needs, using the "five big ideas".',
  evaluation: 'Evaluated with pupil work:\n- before\n- after',
  reflection: 'Acted on the feedback about impact.',
};

/**
 * Accredited at the first attempt with the answers above: the outcome emailed to `address`, the
 * execution ended at Accredited having waited at every kind of step, and the record holding each step.
 * Returns the outcome email and the record, for what a test checks beyond that.
 */
export async function expectAccredited(
  system: LocalSystem,
  address: string,
  who: { executionArn: string; participantId: string },
) {
  const email = await mailbox(system).waitForEmail(address, /you are accredited/);
  await waitForStatus(system, who.executionArn, 'SUCCEEDED');
  const execution = system.stepFunctions.describeExecution(who.executionArn);
  expect(execution.statesEntered.at(-1)).toBe('Accredited');
  for (const state of [
    'AtDevelopmentDay',
    'AtTask',
    'AtFormativeFeedback',
    'AtFrameworkSubmission',
    'AtAssessment',
  ])
    expect(execution.statesEntered).toContain(state);

  const record = await system.dependencies.store.participants.get(who.participantId);
  expect(record?.stage).toBe('accredited');
  // The record names the accredited years it handed over to, and that execution runs.
  expect((await recordedExecution(system, who.participantId)).name).toBe(`${who.participantId}-accredited-1`);
  expect(record?.progress).toMatchObject({
    'day-1': { outcome: 'attended', recordedBy: 'Casey Lead' },
    'interim-task': { outcome: 'submitted', attempt: 1, answers: interimAnswers },
    'interim-feedback': { outcome: 'feedback-given' },
    'day-2': { outcome: 'attended' },
    pdlperf: { outcome: 'submitted', attempt: 1, answers: frameworkAnswers },
    assessment: { outcome: 'accredited', attempt: 1, decidedBy: 'Casey Lead' },
  });
  return { email, record };
}

/**
 * Thirteen days before development day 1 its joining instructions arrive; the clock moves on only once
 * the execution is parked again, as real time does for a waiting execution.
 */
export async function joiningInstructions(system: LocalSystem, cohort: ProgrammeCohort, who: Enrolled) {
  advanceTo(system, cohort.schedule['day-1'].starts, -13 * DAY);
  const joining = await mailbox(system).waitForEmail(who.participant, /^Development day 1, /);
  await waitForState(system, who.executionArn, 'AtDevelopmentDay');
  return joining;
}

/** Day 1, the interim task and its feedback, day 2 and the framework: everything before assessment. */
export async function throughToAssessment(system: LocalSystem, cohort: ProgrammeCohort, who: Enrolled) {
  const mail = mailbox(system);
  const joining = await joiningInstructions(system, cohort, who);
  expect(joining.body.text).toContain('residential');
  expect(calendarIn(joining)).toContain(`UID:day-1.${cohort.cohortId}.${who.participantId}@pd-accreditation`);

  advanceTo(system, cohort.schedule['day-1'].ends);
  await recordAttendance(system, 'Development day 1', [who], 'attended');

  const brief = await mail.waitForEmail(who.participant, /^Please submit your Interim task/);
  expect((await post(linkIn(brief), interimAnswers)).status).toBe(200);

  const feedbackAsk = await mail.waitForEmail(lead, /Please give feedback to Asha Patel/);
  expect((await post(linkIn(feedbackAsk), { feedback: feedbackGiven })).status).toBe(200);
  const feedback = await mail.waitForEmail(who.participant, /^Feedback on your interim task/);
  expect(feedback.body.text).toContain(feedbackGiven);

  await waitForState(system, who.executionArn, 'AtDevelopmentDay');
  advanceTo(system, cohort.schedule['day-2'].ends);
  await recordAttendance(system, 'Development day 2', [who], 'attended');

  const framework = await mail.waitForEmail(who.participant, /^Please submit your Planning, Evaluation/);
  expect((await post(linkIn(framework), frameworkAnswers)).status).toBe(200);
  return mail.waitForEmail(lead, /Please assess Asha Patel's submission/);
}

/** The calendar part of an email, decoded. */
export function calendarIn(email: SentEmail) {
  const part = email.attachments?.find((a) => a.contentType.startsWith('text/calendar'));
  return (
    part &&
    Buffer.from(part.content, 'base64')
      .toString('utf8')
      .replace(/\r\n\s/g, '')
  );
}

/** The cohort lead records everyone on the register as `outcome`. */
export async function recordAttendance(
  system: LocalSystem,
  dayTitle: string,
  participants: { participantId: string }[],
  outcome: 'attended' | 'absent',
) {
  const register = await mailbox(system).waitForEmail(lead, new RegExp(`record attendance for ${dayTitle}`));
  const fields = Object.fromEntries(participants.map((p) => [`attendance-${p.participantId}`, outcome]));
  const answer = await post(linkIn(register), fields);
  expect(answer.status, answer.page).toBe(200);
}
