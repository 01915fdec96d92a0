import { londonDay } from '../admin/report/labels.js';
import type { StatusRow } from '../admin/status.js';
import type { Cohort } from '../domain/cohort.js';
import { formatLondonDate } from '../domain/time.js';
import { composeEmail, type EmailMessage } from './message.js';

/** At most this many overdue people named in one digest; the status command lists them all. */
export const DIGEST_NAMES_AT_MOST = 25;

const whom: Record<NonNullable<StatusRow['waitingOn']>, [string, string]> = {
  participant: ['a participant', 'participants'],
  'senior-leader': ['a senior leader', 'senior leaders'],
  'cohort-lead': ['the cohort lead', 'the cohort lead'],
  admin: ['the admin', 'the admin'],
  date: ['a date', 'a date'],
  nobody: ['nobody', 'nobody'],
};

/** "5 on participants, 2 on the cohort lead": everyone the cohort waits on now, the finished left out. */
function waitingTally(rows: StatusRow[]): string {
  const counts = new Map<NonNullable<StatusRow['waitingOn']>, number>();
  for (const { waitingOn } of rows)
    if (waitingOn && waitingOn !== 'nobody') counts.set(waitingOn, (counts.get(waitingOn) ?? 0) + 1);
  return [...counts].map(([on, n]) => `${n} on ${n === 1 ? whom[on][0] : whom[on][1]}`).join(', ');
}

/**
 * A cohort admin's weekly digest: who is overdue, on whom each waits and since when it was due, and a
 * tally of whom the whole cohort waits on. Only sent when someone is overdue.
 */
export function weeklyDigestEmail(to: string, cohort: Cohort, rows: StatusRow[], now: Date): EmailMessage {
  const overdue = rows.filter((r) => r.overdue);
  const named = overdue.slice(0, DIGEST_NAMES_AT_MOST);
  const more = overdue.length - named.length;
  return composeEmail({
    to,
    subject: `${overdue.length} overdue in ${cohort.name}: week of ${formatLondonDate(now)}`,
    greeting: 'Hello programme team,',
    paragraphs: [
      `${overdue.length} in ${cohort.name} (${cohort.mathsHub}) ${overdue.length === 1 ? 'is' : 'are'} past a deadline:`,
      ...named.map(
        (r) =>
          `${r.name} (${r.participantId}): waiting on ${whom[r.waitingOn ?? 'nobody'][0]} for ${r.what}, due ${londonDay(r.nextDeadline)}.`,
      ),
      ...(more ? [`And ${more} more.`] : []),
      `Waiting now: ${waitingTally(rows)}.`,
    ],
    footnote: `Everyone in the cohort: admin command {"command":"status","cohortId":"${cohort.cohortId}"}.`,
  });
}
