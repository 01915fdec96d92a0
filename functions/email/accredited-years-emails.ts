import type { ReRegistrationYear, TermlyReport } from '../domain/accredited-years.js';
import type { Participant } from '../domain/participant.js';
import type { Programme } from '../domain/programme.js';
import { formatLondon, formatLondonDate } from '../domain/time.js';
import { type Ask, composeEmail, type EmailMessage, reminderPrefix } from './message.js';

/** Emails to accredited leads in the years after accreditation: short, one link, the deadline in the subject. */

const newDeadline = (extended: boolean) => (extended ? 'New deadline: ' : '');

export function termlyFeedbackRequestEmail(
  participant: Participant,
  report: TermlyReport,
  deadline: Date,
  { link, reminder }: Ask,
  extended: boolean,
): EmailMessage {
  const by = formatLondon(deadline);
  return composeEmail({
    to: participant.person.email,
    subject: `${reminderPrefix(reminder)}${newDeadline(extended)}Please report your PD reach and impact for the ${report.title} by ${by}`,
    greeting: `Dear ${participant.person.name},`,
    paragraphs: [
      `As an accredited lead you report the reach and impact of the professional development you led each term. Tell us about the ${report.title}: two numbers and two short answers, from a computer or a phone.`,
    ],
    action: { label: 'Report reach and impact', url: link },
    footnote: `Deadline: ${by}. The link is personal to you: please do not forward it.`,
  });
}

export function reRegistrationRequestEmail(
  participant: Participant,
  programme: Programme,
  year: ReRegistrationYear,
  deadline: Date,
  { link, reminder }: Ask,
  extended: boolean,
): EmailMessage {
  const by = formatLondon(deadline);
  return composeEmail({
    to: participant.person.email,
    subject: `${reminderPrefix(reminder)}${newDeadline(extended)}Please re-register as an accredited lead by ${by}`,
    greeting: `Dear ${participant.person.name},`,
    paragraphs: [
      `Your accreditation (${programme.name}) is renewed each year. Check your contact details and organisation, tell us your reach over the last year, and commit to a further year of leading PD.`,
      `If you do not re-register by ${by}, your accreditation lapses and your directory entry is removed.`,
    ],
    action: { label: 'Re-register', url: link },
    footnote: `Deadline: ${by}. Year ${year.year} of your accreditation. The link is personal to you.`,
  });
}

export function reRegisteredEmail(
  participant: Participant,
  programme: Programme,
  nextDue: Date,
): EmailMessage {
  return composeEmail({
    to: participant.person.email,
    subject: `You are re-registered as an accredited lead until ${formatLondonDate(nextDue)}`,
    greeting: `Dear ${participant.person.name},`,
    paragraphs: [
      `Thank you: your accreditation (${programme.name}) continues until ${formatLondonDate(nextDue)}. We will ask you to re-register again before then.`,
    ],
  });
}

export function lapsedEmail(participant: Participant, programme: Programme, due: Date): EmailMessage {
  return composeEmail({
    to: participant.person.email,
    subject: 'Your accreditation has lapsed',
    greeting: `Dear ${participant.person.name},`,
    paragraphs: [
      `You did not re-register by ${formatLondon(due)}, so your accreditation (${programme.name}) has lapsed and your entry has been removed from the directory of accredited leads.`,
      'If this is a mistake, or you would like to return, reply to this email and the programme team will help.',
    ],
  });
}
