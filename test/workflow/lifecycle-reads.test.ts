import { beforeEach, describe, expect, it } from 'vitest';
import { formatLondon } from '../../functions/domain/time.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { usage } from '../../infra/local/usage.js';
import { accreditedLead, parkedIn, termlyAnswers } from '../support/accredited-years.js';
import { linkIn, mailbox, startTestSystem, waitForState } from '../support/local-system.js';
import {
  advanceTo,
  advanceToInstant,
  lead as cohortLead,
  post,
  programmeCohort,
  readyForDayOne,
} from '../support/programme.js';

/**
 * A look reads what it decides on in one call: the record, its cohort and the asks it may chase, which
 * the look before foresaw and carried to it through the execution's state. Counted on the real ASL in
 * aws-local-stepfunctions with the real handlers and dynalite, as the bench counts them.
 */
let system: LocalSystem;
beforeEach(async () => {
  system = await startTestSystem();
  usage.start(system.clock, { captureLogs: false });
  return async () => {
    usage.stop();
    await system.stop();
  };
});

/** The reads a lifecycle step made, by action, and how many times it ran. */
function readsOf(step: string) {
  const { functions, calls } = usage.snapshot();
  const reads = Object.entries(calls[step] ?? {})
    .filter(([action]) => /^dynamodb:(GetItem|BatchGetItem|Query)$/.test(action))
    .map(([action, { calls: n }]) => [action.slice('dynamodb:'.length), n]);
  return { looks: functions[step]?.invocations ?? 0, reads: Object.fromEntries(reads) };
}

describe("a lifecycle look's reads", () => {
  it('one call per look, from enrolment through every form to accreditation and a termly report', async () => {
    const lead = await accreditedLead(system, 'one-read', 'one-read@school.test');
    const programme = readsOf('AdvanceProgramme');
    expect(programme.looks).toBeGreaterThan(5);
    // One call per look (the directory entry offered at accreditation read with the rest too), and one
    // more where the clock jumped past a wake-up: from the joining instructions of day 2 straight past its
    // end, whose register the last look did not foresee, so the record shows it and it is read then.
    expect(programme.reads).toEqual({ BatchGetItem: programme.looks + 1 });

    const [spring] = lead.terms;
    if (!spring) throw new Error('A term is reported on');
    await parkedIn(system, lead.participantId, 'Accredited');
    advanceToInstant(system, spring.asksAt);
    const ask = await mailbox(system).waitForEmail(
      lead.participant,
      new RegExp(`for the ${spring.title} by ${formatLondon(spring.due)}`),
    );
    await parkedIn(system, lead.participantId, 'AtTermlyFeedback');
    expect((await post(linkIn(ask), termlyAnswers)).status).toBe(200);
    await parkedIn(system, lead.participantId, 'Accredited');
    const years = readsOf('AdvanceAccreditedYears');
    expect(years.looks).toBe(3);
    expect(years.reads).toEqual({ BatchGetItem: years.looks });
  });

  it("a day's register, asked by every participant's look as the day ends, is made once and not read back", async () => {
    const cohort = await programmeCohort(system, 'one-register');
    const people = await Promise.all(
      ['a', 'b', 'c'].map((who) => readyForDayOne(system, cohort.cohortId, `${who}@school.test`)),
    );
    const mail = mailbox(system);
    advanceTo(system, cohort.schedule['day-1'].starts, -13 * 86_400_000);
    await Promise.all(people.map((who) => mail.waitForEmail(who.participant, /^Development day 1, /)));
    await Promise.all(people.map((who) => waitForState(system, who.executionArn, 'AtDevelopmentDay')));
    advanceTo(system, cohort.schedule['day-1'].ends);
    await mail.waitForEmail(cohortLead, /attendance/i);
    await Promise.all(people.map((who) => waitForState(system, who.executionArn, 'AtDevelopmentDay')));
    expect(await mail.emailsTo(cohortLead)).toHaveLength(1);
    const { looks, reads } = readsOf('AdvanceProgramme');
    expect(reads).toEqual({ BatchGetItem: looks });
  });
});
