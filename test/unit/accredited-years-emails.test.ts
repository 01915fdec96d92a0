import { describe, expect, it } from 'vitest';
import { reRegistrationYear, termlyReports } from '../../functions/domain/accredited-years.js';
import { Participant } from '../../functions/domain/participant.js';
import { newLinkSecret } from '../../functions/domain/request.js';
import {
  lapsedEmail,
  reRegisteredEmail,
  reRegistrationRequestEmail,
  termlyFeedbackRequestEmail,
} from '../../functions/email/accredited-years-emails.js';
import { programmeById } from '../../functions/programmes/index.js';

const programme = programmeById('ncetm-pd-lead');
const plan = programme.accreditation;
if (!plan) throw new Error('The PD Lead programme accredits');
const accreditedAt = new Date('2027-02-15T12:00:00Z');
const lead = Participant.parse({
  participantId: 'p-lead',
  person: { name: 'Asha Patel', email: 'asha@hillside.sch.uk' },
  school: 'Hillside Primary',
  seniorLeader: { name: 'Sam Okafor', email: 'head@hillside.sch.uk' },
  programmeId: programme.id,
  pathway: 'primary',
  cohortId: 'north-primary-2027',
  stage: 'accredited',
  enrolledAt: '2026-09-01T09:00:00.000Z',
  accreditation: {
    verificationCode: 'ABCD-1234-EF56',
    accreditedAt: accreditedAt.toISOString(),
    listedInDirectory: true,
  },
});
const link = `https://forms.example.org/r/${newLinkSecret()}`;
const [spring] = termlyReports(accreditedAt, plan.termlyFeedback);
if (!spring) throw new Error('A February accreditation reports on the spring term');
const year = reRegistrationYear(accreditedAt, 1, plan.reRegistration);

/** Every ask: to the lead, the link once as the one button in HTML and once in the text. */
function expectOneButton(email: ReturnType<typeof termlyFeedbackRequestEmail>, label: string) {
  expect(email.to).toBe('asha@hillside.sch.uk');
  expect(email.html.split(`href="${link}"`)).toHaveLength(2);
  expect(email.text).toContain(`${label}: ${link}`);
}

describe('the accredited years emails', () => {
  it('a termly ask says which term and by when, in London time (BST in April)', () => {
    const ask = termlyFeedbackRequestEmail(lead, spring, spring.due, { link, reminder: 0 }, false);
    expect(ask.subject).toBe(
      'Please report your PD reach and impact for the Spring term 2027 by Saturday 17 April 2027 at 5:00 pm',
    );
    expectOneButton(ask, 'Report reach and impact');
    expect(ask.text).toContain('Deadline: Saturday 17 April 2027 at 5:00 pm');
  });

  it('marks reminders and a new deadline in the subject', () => {
    expect(
      termlyFeedbackRequestEmail(lead, spring, spring.due, { link, reminder: 2 }, false).subject,
    ).toMatch(/^Reminder: Please report/);
    expect(termlyFeedbackRequestEmail(lead, spring, spring.due, { link, reminder: 0 }, true).subject).toMatch(
      /^New deadline: Please report/,
    );
  });

  it('the re-registration ask says by when, and that missing it lapses the accreditation', () => {
    const ask = reRegistrationRequestEmail(lead, programme, year, year.due, { link, reminder: 0 }, false);
    expect(ask.subject).toBe(
      'Please re-register as an accredited lead by Tuesday 15 February 2028 at 5:00 pm',
    );
    expectOneButton(ask, 'Re-register');
    expect(ask.text).toContain('your accreditation lapses and your directory entry is removed');
    expect(ask.html).toContain('Year 1 of your accreditation');
  });

  it('the confirmation says until when, with the directory entry as its one button', () => {
    const confirmed = reRegisteredEmail(lead, programme, new Date('2029-02-15T17:00:00Z'), link);
    expect(confirmed.subject).toBe(
      'You are re-registered as an accredited lead until Thursday 15 February 2029',
    );
    expectOneButton(confirmed, 'Check your directory entry');
  });

  it('the lapse says since when, with no button', () => {
    const lapsed = lapsedEmail(lead, programme, year.due);
    expect(lapsed.subject).toBe('Your accreditation has lapsed');
    expect(lapsed.text).toContain('You did not re-register by Tuesday 15 February 2028 at 5:00 pm');
    expect(lapsed.html).not.toContain('<a ');
  });
});
