import type { Cohort } from '../domain/cohort.js';
import { pathwayNames } from '../domain/pathway.js';
import type { Programme } from '../domain/programme.js';
import { formatLondon, formatLondonDate } from '../domain/time.js';
import type { WaitingListEntry } from '../domain/waiting-list.js';
import { composeEmail, type EmailMessage } from './message.js';

const listName = (programme: Programme, entry: WaitingListEntry) =>
  `the ${programme.name} (${pathwayNames[entry.pathway]} pathway)`;

/** Double opt-in: nobody is put on the list with an address they cannot read. */
export function confirmJoiningEmail(
  entry: WaitingListEntry,
  programme: Programme,
  link: string,
  deadline: Date,
): EmailMessage {
  return composeEmail({
    to: entry.person.email,
    subject: `Confirm by ${formatLondonDate(deadline)}: join the waiting list for the ${programme.name}`,
    greeting: `Dear ${entry.person.name},`,
    paragraphs: [
      `You asked to join the waiting list for ${listName(programme, entry)}. Please confirm it was you.`,
      'If you did not ask, ignore this email: nothing happens without your confirmation.',
    ],
    action: { label: 'Confirm I want to join', url: link },
    footnote: `The link works until ${formatLondon(deadline)}.`,
  });
}

/** A place for the next person on the list: what, when it starts, and by when to say yes. */
export function invitationEmail(
  entry: WaitingListEntry,
  programme: Programme,
  cohort: Cohort,
  link: string,
  deadline: Date,
): EmailMessage {
  const by = formatLondon(deadline);
  return composeEmail({
    to: entry.person.email,
    subject: `A place for you on the ${programme.name}: please answer by ${by}`,
    greeting: `Dear ${entry.person.name},`,
    paragraphs: [
      `A place has come up for you on ${listName(programme, entry)}: ${cohort.name}, run by ${cohort.mathsHub}, starting ${formatLondonDate(new Date(`${cohort.startsOn}T12:00:00Z`))}.`,
      `Accept it or let it go by ${by}; after that it goes to the next person on the waiting list.`,
    ],
    action: { label: 'Accept or decline the place', url: link },
    footnote: 'The link is personal to you: please do not forward it.',
  });
}
