import { expect } from 'vitest';
import { londonTime } from '../../functions/domain/time.js';
import type { LocalSystem } from '../../infra/local/system.js';
import {
  enrol,
  linkIn,
  mailbox,
  pdLeadSchedule,
  type SentEmail,
  testCohort,
  waitForState,
} from './local-system.js';

/** Drives one participant through the programme the way people do: by the links in their emails. */

export const MINUTE = 60_000;

export async function post(link: string, fields: Record<string, string>) {
  const response = await fetch(link, { method: 'POST', body: new URLSearchParams(fields) });
  return { status: response.status, page: await response.text() };
}

/** Moves the local clock to just after a London time from the cohort's schedule. */
export function advanceTo(system: LocalSystem, local: string, plus = MINUTE) {
  const target = londonTime(local).getTime() + plus;
  const now = system.clock.now().getTime();
  if (target > now) system.clock.advance(target - now);
}

/** A cohort of its own per test, dated from the local clock so the schedule is always ahead. */
export async function programmeCohort(system: LocalSystem, cohortId: string, startInDays = 0) {
  const from = new Date(system.clock.now().getTime() + startInDays * 86_400_000);
  const cohort = { ...testCohort, cohortId, schedule: pdLeadSchedule(from) };
  await system.admin({ command: 'create-cohort', cohort });
  return cohort;
}

export const lead = testCohort.cohortLead.email;

/** Enrolled, commitment signed, and waiting for development day 1. */
export async function readyForDayOne(system: LocalSystem, cohortId: string, email: string) {
  const enrolled = await enrol(system, { email }, cohortId);
  const ask = await mailbox(system).waitForEmail(enrolled.leader, /Please confirm your support/);
  await waitForState(system, enrolled.executionArn, 'AwaitCommitment');
  const signed = await post(linkIn(ask), {
    decision: 'signed',
    signedBy: 'Sam Okafor',
    role: 'Head teacher',
    agree: 'yes',
  });
  expect(signed.status).toBe(200);
  await waitForState(system, enrolled.executionArn, 'AtDevelopmentDay');
  return enrolled;
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
