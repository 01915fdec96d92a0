import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationIdFor } from '../../functions/domain/application.js';
import { daysFromNow, masterySpecialistSchedule } from '../../infra/local/demo-schedule.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { checkInvariantsAfterEach } from '../support/invariants.js';
import { linkIn, mailbox, startTestSystem } from '../support/local-system.js';
import { lead, post } from '../support/programme.js';

/**
 * Applications, as the Primary Mastery Specialist's JSON asks for them: the public form (the prerequisite
 * must be confirmed), the emailed confirmation, an interview with a calendar invite, and a Maths Hub
 * lead's decision recorded with who and when; accepted, the applicant is enrolled and their senior leader
 * asked for the commitment.
 */
let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem();
  const schedule = masterySpecialistSchedule(system.clock.now(), 60);
  await system.admin({
    command: 'create-cohort',
    cohort: {
      cohortId: 'mastery-apply',
      programmeId: 'primary-mastery-specialist',
      pathway: 'primary',
      mathsHub: 'North Star Maths Hub',
      name: 'Mastery Specialists, cohort 13',
      cohortLead: { name: 'Casey Lead', email: lead },
      startsOn: schedule['residential-1'].starts.slice(0, 10),
      capacity: 10,
      schedule,
    },
  });
});
afterAll(() => system.stop());
checkInvariantsAfterEach(() => system);

const form = () => `${system.urls.app}/applications/mastery-apply`;
const applying = (email: string) => ({
  name: 'Ali Applicant',
  email,
  school: 'Brook Primary',
  leaderName: 'Hana Head',
  leaderEmail: `head-of-${email}`,
  leaderRole: 'Head teacher',
  whyApply: 'To lead mastery across our trust.',
  masteryExperience: 'Two years of Teaching for Mastery work groups.',
});

/** Applies on the public form and confirms from the emailed link: returns the application's id. */
async function applied(email: string) {
  expect((await post(form(), { ...applying(email), prerequisite: 'yes' })).page).toContain(
    'Check your email',
  );
  const confirm = await mailbox(system).waitForEmail(email, /Confirm by .*: your application/);
  expect((await post(linkIn(confirm), {})).page).toContain('Your application is sent');
  return applicationIdFor('mastery-apply', email);
}

const interview = (applicationId: string, starts = daysFromNow(20, '09:00', system.clock.now())) =>
  system.admin({
    command: 'schedule-interview',
    applicationId,
    starts,
    ends: `${starts.slice(0, 10)}T11:00`,
    venue: 'Brook Primary, Year 4 classroom',
    observedBy: ['Strategic lead', 'Primary lead'],
  });

describe('applications to the Primary Mastery Specialist programme', () => {
  it('the form shows the questions and the prerequisite, which must be confirmed', async () => {
    const page = await (await fetch(form())).text();
    expect(page).toContain('Why do you want to become a Mastery Specialist?');
    expect(page).toContain('Teaching for Mastery programme for at least a year');
    const refused = await post(form(), applying('no-prereq@school.test'));
    expect(refused.status).toBe(422);
    expect(refused.page).toContain('Confirm you meet the prerequisite to apply');
    await system.stepFunctions.settled();
    expect(await mailbox(system).emailsTo('no-prereq@school.test')).toEqual([]);
    // A programme that takes no applications has no application form.
    expect((await fetch(`${system.urls.app}/applications/no-such-cohort`)).status).toBe(404);
  });

  it('application, interview with a calendar invite, then the hub lead accepts: enrolled, the senior leader asked', async () => {
    const applicationId = await applied('accepted@school.test');
    await mailbox(system).waitForEmail(system.dependencies.settings.ADMIN_EMAIL, new RegExp(applicationId));
    const stored = await system.dependencies.store.applications.get(applicationId);
    expect(stored?.prerequisiteConfirmed).toContain('Teaching for Mastery');
    expect(stored?.answers.whyApply).toBe('To lead mastery across our trust.');
    await expect(
      system.admin({
        command: 'record-application-decision',
        applicationId,
        decision: 'accepted',
        decidedBy: 'Primary lead',
      }),
    ).rejects.toThrow(/no interview yet/);

    await interview(applicationId);
    const invite = await mailbox(system).waitForEmail(
      'accepted@school.test',
      /interview and lesson observation/,
    );
    const calendar = invite.attachments?.find((a) => a.contentType.startsWith('text/calendar'));
    const ics = Buffer.from(calendar?.content ?? '', 'base64').toString('utf8');
    expect(ics).toContain(`UID:interview-${applicationId}@pd-accreditation`);
    expect(ics).toContain('SEQUENCE:0');
    // Moved: the same invite, updated.
    await interview(applicationId, daysFromNow(21, '09:00', system.clock.now()));
    const moved = await mailbox(system).waitForEmail('accepted@school.test', /^Changed: /);
    expect(Buffer.from(moved.attachments?.[0]?.content ?? '', 'base64').toString('utf8')).toContain(
      'SEQUENCE:1',
    );

    const before = system.clock.now().toISOString();
    const decided = (await system.admin({
      command: 'record-application-decision',
      applicationId,
      decision: 'accepted',
      decidedBy: 'Primary lead',
    })) as { participantId: string };
    const application = await system.dependencies.store.applications.get(applicationId);
    expect(application?.decision).toMatchObject({ outcome: 'accepted', decidedBy: 'Primary lead' });
    expect((application?.decision?.decidedAt ?? '') >= before).toBe(true);
    const participant = await system.dependencies.store.participants.get(decided.participantId);
    expect(participant).toMatchObject({ cohortId: 'mastery-apply', stage: 'awaiting-commitment' });
    await mailbox(system).waitForEmail(
      'head-of-accepted@school.test',
      /confirm your support for Ali Applicant/,
    );
    await mailbox(system).waitForEmail('accepted@school.test', /You have a place/);
    // Run again, it finishes nothing twice; the other decision is refused.
    expect(
      await system.admin({
        command: 'record-application-decision',
        applicationId,
        decision: 'accepted',
        decidedBy: 'Primary lead',
      }),
    ).toMatchObject({ alreadyDecided: true });
    await expect(
      system.admin({
        command: 'record-application-decision',
        applicationId,
        decision: 'declined',
        decidedBy: 'x',
      }),
    ).rejects.toThrow(/already accepted by Primary lead/);
    await system.stepFunctions.settled();
  });

  it('declined after the interview: told, and not enrolled', async () => {
    const applicationId = await applied('declined@school.test');
    await interview(applicationId);
    await system.admin({
      command: 'record-application-decision',
      applicationId,
      decision: 'declined',
      decidedBy: 'Strategic lead',
      reason: 'We would welcome an application next year.',
    });
    const told = await mailbox(system).waitForEmail('declined@school.test', /Your application to the/);
    expect(told.body.text).toContain('We would welcome an application next year.');
    expect(
      (await system.dependencies.store.participants.inCohort('mastery-apply')).map((p) => p.person.email),
    ).not.toContain('declined@school.test');
  });
});
