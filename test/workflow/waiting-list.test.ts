import { beforeEach, describe, expect, it } from 'vitest';
import { DAY } from '../../functions/domain/time.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { checkInvariantsAfterEach } from '../support/invariants.js';
import {
  daysFromNow,
  linkIn,
  mailbox,
  pdLeadSchedule,
  startTestSystem,
  waitForStatus,
} from '../support/local-system.js';
import { advanceToInstant, post } from '../support/programme.js';

/**
 * The FE waiting list on the real ASL (WaitingListInvitations): invited in the order they joined, a
 * declined or lapsed invitation passes to the next person, accepting enrols (and asks the senior leader
 * for their commitment), and no cohort takes more than its capacity.
 */
let system: LocalSystem;
beforeEach(async () => {
  system = await startTestSystem();
});
checkInvariantsAfterEach(() => system, { thenStop: true });

const fe = { programmeId: 'ncetm-pd-lead', pathway: 'further-education' } as const;
const invitation = /A place for you on the/;

async function join(email: string, name = 'Asha Patel') {
  return (await system.admin({
    command: 'waitlist-add',
    ...fe,
    person: { name, email },
    school: 'Northgate College',
    seniorLeader: { name: 'Sam Okafor', email: `principal-of-${email}`, role: 'Principal' },
  })) as { entryId: string; alreadyOnList: boolean };
}

async function openCohort(capacity: number, cohortId = 'fe-north') {
  await system.admin({
    command: 'create-cohort',
    cohort: {
      cohortId,
      ...fe,
      mathsHub: 'national',
      name: 'FE PD Leads, north',
      cohortLead: { name: 'Casey Lead', email: 'cohort-lead@hub.test' },
      startsOn: daysFromNow(29, '09:00', system.clock.now()).slice(0, 10),
      capacity,
      schedule: pdLeadSchedule(system.clock.now()),
    },
  });
  const { execution } = (await system.admin({ command: 'invite-from-waitlist', cohortId })) as {
    execution: { name: string };
  };
  await system.stepFunctions.settled();
  return `${system.stateMachineArns.WaitingListInvitations.replace(':stateMachine:', ':execution:')}:${execution.name}`;
}

const invitationsTo = async (address: string) =>
  (await mailbox(system).emailsTo(address)).filter((e) => invitation.test(e.subject));

const list = async () =>
  (
    (await system.admin({ command: 'waitlist-list', ...fe })) as {
      entries: { name: string; status: string; participantId?: string }[];
    }
  ).entries;

describe('the waiting list', () => {
  it('invites in the order people joined; a decline passes the place to the next; accepting enrols them and asks their senior leader', async () => {
    await join('first@college.test', 'Ada First');
    await join('second@college.test', 'Ben Second');
    await join('third@college.test', 'Cara Third');
    const executionArn = await openCohort(1);

    expect(await invitationsTo('first@college.test')).toHaveLength(1);
    expect(await invitationsTo('second@college.test')).toHaveLength(0);
    const [toFirst] = await invitationsTo('first@college.test');
    expect(toFirst?.subject).toMatch(/please answer by \w+day \d+ \w+ \d{4} at 5:00 pm/);
    expect(system.stepFunctions.describeExecution(executionArn).parked?.state).toBe('AtInvitations');

    const declined = await post(linkIn(toFirst as never), { decision: 'declined' });
    expect(declined.page).toContain('you have declined the place');
    const toSecond = await mailbox(system).waitForEmail('second@college.test', invitation);
    await system.stepFunctions.settled();
    expect(await invitationsTo('third@college.test')).toHaveLength(0);

    const accepted = await post(linkIn(toSecond), { decision: 'accepted' });
    expect(accepted.status).toBe(200);
    expect(accepted.page).toContain('Your place is booked');
    await mailbox(system).waitForEmail(
      'principal-of-second@college.test',
      /confirm your support for Ben Second/,
    );
    await waitForStatus(system, executionArn, 'SUCCEEDED');
    expect(system.stepFunctions.describeExecution(executionArn).statesEntered.at(-1)).toBe('CohortFull');
    expect((await list()).map((e) => [e.name, e.status])).toEqual([
      ['Ada First', 'declined'],
      ['Ben Second', 'enrolled'],
      ['Cara Third', 'waiting'],
    ]);
    expect(await invitationsTo('third@college.test')).toHaveLength(0);
    // A second click on the answered link says so; the first's link is closed.
    expect((await post(linkIn(toSecond), { decision: 'declined' })).status).toBe(409);
  });

  it('an invitation left unanswered past its deadline passes to the next person, and not a moment before', async () => {
    const slow = await join('slow@college.test', 'Sol Slow');
    await join('next@college.test', 'Nia Next');
    await openCohort(1);
    const [toSlow] = await invitationsTo('slow@college.test');
    const offer = await system.dependencies.store.requests.get(`place-offer-fe-north-${slow.entryId}`);
    const deadline = new Date(offer?.expiresAt ?? 0);
    expect(deadline.getTime()).toBeGreaterThan(system.clock.now().getTime() + 6 * DAY);

    advanceToInstant(system, deadline, -60_000);
    await system.stepFunctions.settled();
    expect(await invitationsTo('next@college.test')).toHaveLength(0);

    advanceToInstant(system, deadline);
    await mailbox(system).waitForEmail('next@college.test', invitation);
    await system.stepFunctions.settled();
    expect((await list()).map((e) => e.status)).toEqual(['lapsed', 'invited']);
    expect((await post(linkIn(toSlow as never), { decision: 'accepted' })).status).toBe(410);
  });

  it('never enrols more than the capacity, even when the last place is accepted twice at once', async () => {
    await join('one@college.test', 'Ola One');
    await join('two@college.test', 'Tom Two');
    await openCohort(2);
    const links = await Promise.all(
      ['one@college.test', 'two@college.test'].map(async (a) =>
        linkIn(await mailbox(system).waitForEmail(a, invitation)),
      ),
    );
    // Meanwhile the admin enrols someone straight into the cohort: one place is left for two acceptances.
    await system.admin({
      command: 'enrol-participant',
      cohortId: 'fe-north',
      participant: { name: 'Dee Direct', email: 'direct@college.test' },
      school: 'Northgate College',
      seniorLeader: { name: 'Sam Okafor', email: 'principal-of-direct@college.test' },
    });
    const answers = await Promise.all(links.map((link) => post(link, { decision: 'accepted' })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)?.page).toContain('the last place has just been taken');
    await system.stepFunctions.settled();
    expect(await system.dependencies.store.cohorts.placesTaken('fe-north')).toBe(2);
    expect(await system.dependencies.store.participants.inCohort('fe-north')).toHaveLength(2);
    // The one who missed out keeps their place in the queue.
    expect((await list()).map((e) => e.status).sort()).toEqual(['enrolled', 'waiting']);
    await expect(
      system.admin({
        command: 'enrol-participant',
        cohortId: 'fe-north',
        participant: { name: 'Late Comer', email: 'late@college.test' },
        school: 'Northgate College',
        seniorLeader: { name: 'Sam Okafor', email: 'principal-of-late@college.test' },
      }),
    ).rejects.toThrow(/full/);
  });

  it('someone who registers interest is on the list only once they confirm from the emailed link', async () => {
    const page = `${system.urls.app}/waiting-list/ncetm-pd-lead/further-education`;
    expect((await fetch(page)).status).toBe(200);
    const registration = {
      name: 'Rae Public',
      email: 'rae@college.test',
      school: 'Southgate College',
      leaderName: 'Pat Principal',
      leaderEmail: 'pat@college.test',
      leaderRole: 'Principal',
    };
    // A bot fills in the hidden field: the same page, nothing kept, nothing sent.
    expect((await post(page, { ...registration, email: 'bot@college.test', website: 'x' })).status).toBe(200);
    expect((await post(page, registration)).page).toContain('Check your email');
    expect((await post(page, registration)).page).toContain('Check your email');
    const confirm = await mailbox(system).waitForEmail(
      'rae@college.test',
      /Confirm by .*: join the waiting list/,
    );
    await system.stepFunctions.settled();
    expect(await mailbox(system).emailsTo('rae@college.test')).toHaveLength(1);
    expect(await mailbox(system).emailsTo('bot@college.test')).toHaveLength(0);
    expect(await list()).toEqual([]);

    expect((await fetch(linkIn(confirm))).status).toBe(200);
    expect(await list()).toEqual([]);
    expect((await post(linkIn(confirm), {})).page).toContain('You are on the waiting list');
    expect((await list()).map((e) => [e.name, e.status])).toEqual([['Rae Public', 'waiting']]);
    expect((await post(page, { ...registration, name: '' })).status).toBe(422);
  });
});
