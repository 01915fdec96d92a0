import type { ReRegistrationYear, TermlyReport } from '../domain/accredited-years.js';
import type { Participant } from '../domain/participant.js';
import type { Programme } from '../domain/programme.js';
import { formatLondon, formatLondonDate } from '../domain/time.js';
import { type Ask, composeEmail, type EmailMessage, reminderPrefix } from './message.js';

/** Emails to accredited leads in the years after accreditation: short, one link, the deadline in the subject. */

/** An ask of the lead: what, by when (in the subject too), one button; "New deadline" after an extension. */
function leadAsk(
  participant: Participant,
  deadline: Date,
  { link, reminder }: Ask,
  extended: boolean,
  ask: { what: string; paragraphs: (by: string) => string[]; button: string },
): EmailMessage {
  const by = formatLondon(deadline);
  return composeEmail({
    to: participant.person.email,
    subject: `${reminderPrefix(reminder)}${extended ? 'New deadline: ' : ''}Please ${ask.what} by ${by}`,
    greeting: `Dear ${participant.person.name},`,
    paragraphs: ask.paragraphs(by),
    action: { label: ask.button, url: link },
    footnote: `Deadline: ${by}. The link is personal to you: please do not forward it.`,
  });
}

export const termlyFeedbackRequestEmail = (
  participant: Participant,
  report: TermlyReport,
  deadline: Date,
  ask: Ask,
  extended: boolean,
): EmailMessage =>
  leadAsk(participant, deadline, ask, extended, {
    what: `report your PD reach and impact for the ${report.title}`,
    paragraphs: () => [
      `As an accredited lead you report the reach and impact of the professional development you led each term. Tell us about the ${report.title}: two numbers and two short answers, from a computer or a phone.`,
    ],
    button: 'Report reach and impact',
  });

export const reRegistrationRequestEmail = (
  participant: Participant,
  programme: Programme,
  year: ReRegistrationYear,
  deadline: Date,
  ask: Ask,
  extended: boolean,
): EmailMessage =>
  leadAsk(participant, deadline, ask, extended, {
    what: 're-register as an accredited lead',
    paragraphs: (by) => [
      `Year ${year.year} of your accreditation (${programme.name}) ends soon. Check your contact details and organisation, tell us your reach over the last year, and commit to a further year of leading PD.`,
      `If you do not re-register by ${by}, your accreditation lapses and your directory entry is removed.`,
    ],
    button: 'Re-register',
  });

export function reRegisteredEmail(
  participant: Participant,
  programme: Programme,
  nextDue: Date,
  directoryEntry: string,
): EmailMessage {
  return composeEmail({
    to: participant.person.email,
    subject: `You are re-registered as an accredited lead until ${formatLondonDate(nextDue)}`,
    greeting: `Dear ${participant.person.name},`,
    paragraphs: [
      `Thank you: your accreditation (${programme.name}) continues until ${formatLondonDate(nextDue)}. We will ask you to re-register again before then.`,
      'Check that your entry in the directory of accredited leads says what you want it to, or choose to be listed.',
    ],
    action: { label: 'Check your directory entry', url: directoryEntry },
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
