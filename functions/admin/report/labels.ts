import type { WaitingOn } from '../../domain/participant.js';
import { formatLondonDate, toLondonLocal } from '../../domain/time.js';
import type { StatusRow } from '../status.js';

/** Whom the system waits on, as the programme team says it. */
const waitingOnLabels: Record<WaitingOn, string> = {
  participant: 'Participant',
  'senior-leader': 'Senior leader',
  'cohort-lead': 'Cohort lead',
  admin: 'Admin',
  date: 'A date',
  nobody: 'Nobody',
};

export const waitingOnLabel = (on: WaitingOn | undefined) => (on ? waitingOnLabels[on] : 'Not yet recorded');

/** A London date and time as a table cell or CSV value: `2027-03-05 17:00`; empty when there is none. */
export const londonCell = (iso: string | undefined) =>
  iso ? toLondonLocal(new Date(iso)).replace('T', ' ') : '';

/** A London date as people read it: `Friday 5 March 2027`; empty when there is none. */
export const londonDay = (iso: string | undefined) => (iso ? formatLondonDate(new Date(iso)) : '');

/** The cells of a status row in the order every rendering shows them, with their headings. */
export const statusColumns: { heading: string; cell: (row: StatusRow) => string }[] = [
  { heading: 'Participant', cell: (r) => r.participantId },
  { heading: 'Name', cell: (r) => r.name },
  { heading: 'Cohort', cell: (r) => r.cohortId },
  { heading: 'Stage', cell: (r) => r.stage },
  { heading: 'Waiting on', cell: (r) => waitingOnLabel(r.waitingOn) },
  { heading: 'For', cell: (r) => r.what ?? '' },
  { heading: 'Since', cell: (r) => londonCell(r.since) },
  { heading: 'Next deadline', cell: (r) => londonCell(r.nextDeadline) },
  { heading: 'Overdue', cell: (r) => (r.overdue ? 'OVERDUE' : '') },
];
