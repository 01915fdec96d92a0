import type { Application } from '../domain/application.js';
import type { Programme } from '../domain/programme.js';
import { formatLondon, formatLondonDate, londonTime } from '../domain/time.js';
import { calendarInvite, composeEmail, type EmailMessage } from './message.js';

/** Double opt-in: an application counts once its sender confirms from the address they gave. */
export function confirmApplicationEmail(
  application: Application,
  programme: Programme,
  link: string,
  deadline: Date,
): EmailMessage {
  return composeEmail({
    to: application.person.email,
    subject: `Confirm by ${formatLondonDate(deadline)}: your application to the ${programme.name}`,
    greeting: `Dear ${application.person.name},`,
    paragraphs: [
      `Please confirm you sent this application to the ${programme.name}.`,
      'If you did not, ignore this email: nothing happens without your confirmation.',
    ],
    action: { label: 'Confirm my application', url: link },
    footnote: `The link works until ${formatLondon(deadline)}.`,
  });
}

/** The Maths Hub hears of each confirmed application, by id (the details are in the admin's list). */
export function applicationReceivedEmail(application: Application, adminEmail: string): EmailMessage {
  return composeEmail({
    to: adminEmail,
    subject: `New application ${application.applicationId} to cohort ${application.cohortId}`,
    greeting: 'Hello programme team,',
    paragraphs: [
      `A confirmed application to cohort ${application.cohortId} is waiting for an interview: schedule-interview with applicationId ${application.applicationId}.`,
    ],
  });
}

/** The interview, with a calendar invite that updates itself (same UID, higher SEQUENCE) if it moves. */
export async function interviewEmail(
  application: Application,
  programme: Programme,
  /** The Maths Hub, from our sending address: calendars need an organiser. */
  organizer: { name: string; email: string },
  now: Date,
): Promise<EmailMessage> {
  const { interview } = application;
  const process = programme.application;
  if (!interview || !process) throw new Error(`Application ${application.applicationId} has no interview`);
  const starts = londonTime(interview.starts);
  const changed = interview.sequence > 0;
  return {
    ...composeEmail({
      to: application.person.email,
      subject: `${changed ? 'Changed: ' : ''}${process.interview.title}, ${formatLondon(starts)}`,
      greeting: `Dear ${application.person.name},`,
      paragraphs: [
        `${changed ? 'The details have changed. ' : ''}Your interview for the ${programme.name} is on ${formatLondon(starts)} at ${interview.venue}. ${process.interview.description}`,
        'The calendar invite in this email adds it to your diary.',
      ],
    }),
    calendar: await calendarInvite({
      method: 'REQUEST',
      uid: `interview-${application.applicationId}@pd-accreditation`,
      sequence: interview.sequence,
      title: process.interview.title,
      starts,
      ends: londonTime(interview.ends),
      location: interview.venue,
      organizer,
      attendee: application.person,
      now,
    }),
  };
}

/** The decision, in a line: accepted (their senior leader is asked next), or not this time. */
export function applicationOutcomeEmail(application: Application, programme: Programme): EmailMessage {
  const accepted = application.decision?.outcome === 'accepted';
  return composeEmail({
    to: application.person.email,
    subject: accepted
      ? `You have a place on the ${programme.name}`
      : `Your application to the ${programme.name}`,
    greeting: `Dear ${application.person.name},`,
    paragraphs: accepted
      ? [
          `Congratulations: your application to the ${programme.name} was successful.`,
          `We have asked ${application.seniorLeader.name} to confirm your school will support you; you can start once they do.`,
        ]
      : [
          `Thank you for applying to the ${programme.name}. We are sorry: your application was not successful this time.`,
          ...(application.decision?.reason ? [application.decision.reason] : []),
        ],
  });
}
