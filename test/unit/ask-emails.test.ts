import { describe, expect, it } from 'vitest';
import { reRegistrationYear, termlyReports } from '../../functions/domain/accredited-years.js';
import { Cohort } from '../../functions/domain/cohort.js';
import { Participant } from '../../functions/domain/participant.js';
import { stepById } from '../../functions/domain/progress.js';
import {
  reRegistrationRequestEmail,
  termlyFeedbackRequestEmail,
} from '../../functions/email/accredited-years-emails.js';
import { commitmentRequestEmail } from '../../functions/email/commitment-emails.js';
import type { EmailMessage } from '../../functions/email/message.js';
import {
  attendanceRequestEmail,
  cohortLeadAskEmail,
  submissionRequestEmail,
} from '../../functions/email/programme-emails.js';
import { programmeById } from '../../functions/programmes/index.js';
import { testCohort } from '../support/local-system.js';

/**
 * Every email that asks someone for something, whoever they are (senior leader, participant, cohort
 * lead, accredited lead): its subject says what is needed and by when, in London time, and it has one
 * button. Built with one due date, a winter one, so the London date is plain to see.
 */
const programme = programmeById('ncetm-pd-lead');
const plan = programme.accreditation;
if (!plan) throw new Error('The PD Lead programme accredits');
const participant = Participant.parse({
  participantId: 'p-test',
  person: { name: 'Asha Patel', email: 'asha@hillside.sch.uk' },
  school: 'Hillside Primary',
  seniorLeader: { name: 'Sam Okafor', email: 'head@hillside.sch.uk' },
  programmeId: programme.id,
  pathway: 'primary',
  cohortId: testCohort.cohortId,
  stage: 'in-programme',
  enrolledAt: '2026-09-01T09:00:00.000Z',
  accreditation: {
    verificationCode: 'ABCD-1234-EF56',
    accreditedAt: '2027-02-15T12:00:00Z',
    listedInDirectory: false,
  },
});
const cohort = Cohort.parse(testCohort);
const due = new Date('2026-12-04T17:00:00Z');
const by = 'by Friday 4 December 2026 at 5:00 pm';
const link = 'https://forms.example.org/r/abc';
const ask = { link, reminder: 0 };
const day = stepById(programme, 'day-1', 'development-day');
const [term] = termlyReports(new Date('2027-02-15T12:00:00Z'), plan.termlyFeedback);
if (!term) throw new Error('A February accreditation reports on a term');

const asks: [string, RegExp, (reminder: number) => EmailMessage][] = [
  [
    'commitment',
    /^Please confirm your support for Asha Patel /,
    (reminder) => commitmentRequestEmail({ participant, programme, link, deadline: due }, reminder),
  ],
  [
    'interim task',
    /^Please submit your Interim task /,
    (reminder) =>
      submissionRequestEmail(
        participant,
        stepById(programme, 'interim-task', 'task'),
        due,
        { link, reminder },
        { attempt: 1, extended: false },
      ),
  ],
  [
    'attendance register',
    /^Please record attendance for Development day 1 /,
    (reminder) => attendanceRequestEmail(cohort, day, { ...ask, reminder }, due),
  ],
  [
    'attendance of someone who joined late',
    /^Please record attendance for Development day 1 for Asha Patel /,
    (reminder) => attendanceRequestEmail(cohort, day, { ...ask, reminder }, due, participant),
  ],
  [
    'formative feedback',
    /^Please give feedback to Asha Patel /,
    (reminder) =>
      cohortLeadAskEmail(
        cohort,
        participant,
        stepById(programme, 'interim-feedback', 'formative-feedback'),
        { ...ask, reminder },
        due,
      ),
  ],
  [
    'assessment',
    /^Please assess Asha Patel's submission /,
    (reminder) =>
      cohortLeadAskEmail(
        cohort,
        participant,
        stepById(programme, 'assessment', 'assessment'),
        { ...ask, reminder },
        due,
      ),
  ],
  [
    'termly report',
    /^Please report your PD reach and impact for the /,
    (reminder) => termlyFeedbackRequestEmail(participant, term, due, { link, reminder }, false),
  ],
  [
    're-registration',
    /^Please re-register as an accredited lead /,
    (reminder) =>
      reRegistrationRequestEmail(
        participant,
        programme,
        reRegistrationYear(new Date('2027-02-15T12:00:00Z'), 1, plan.reRegistration),
        due,
        { link, reminder },
        false,
      ),
  ],
];

describe.each(asks)('the %s ask', (_name, what, email) => {
  it('says in its subject what is needed and by when, in London time', () => {
    expect(email(0).subject).toMatch(what);
    expect(email(0).subject).toContain(by);
  });

  it('says it again in the body, with one button', () => {
    for (const body of [email(0).text, email(0).html]) expect(body).toContain(by.replace(/^by /, ''));
    expect(email(0).html.match(/<a /g)).toHaveLength(1);
  });

  it('is marked as a reminder only when it is one, still saying by when', () => {
    expect(email(0).subject).not.toContain('Reminder');
    expect(email(1).subject).toMatch(/^Reminder: /);
    expect(email(1).subject).toContain(by);
  });
});
