import type { Cohort } from '../domain/cohort.js';
import type { AssessmentDecision, Participant } from '../domain/participant.js';
import type { Programme, StepOf } from '../domain/programme.js';
import type { DevelopmentDayTimes } from '../domain/progress.js';
import { formatLondon, formatLondonDate } from '../domain/time.js';
import { type Ask, type CalendarInvite, composeEmail, type EmailMessage, reminderPrefix } from './message.js';

/** Before each development day: where, when, and a calendar invite that updates itself if dates move. */
export function joiningInstructionsEmail(
  participant: Participant,
  step: StepOf<'development-day'>,
  times: DevelopmentDayTimes,
  calendar: CalendarInvite,
  /** They hold an invite to an earlier version of the day: this one replaces it. */
  changed: boolean,
): EmailMessage {
  const residential = step.residential
    ? `It is a residential: it starts at ${formatLondon(times.starts)} and runs overnight until ${formatLondon(times.ends)}. Your accommodation is booked.`
    : `It runs from ${formatLondon(times.starts)} to ${formatLondon(times.ends)}.`;
  return {
    ...composeEmail({
      to: participant.person.email,
      subject: `${changed ? 'Changed: ' : ''}${step.title}, ${formatLondonDate(times.starts)}, ${times.venue}`,
      greeting: `Dear ${participant.person.name},`,
      paragraphs: [
        `${changed ? 'The details have changed. ' : ''}${step.title} is at ${times.venue}. ${residential}`,
        'The calendar invite in this email adds it to your diary.',
      ],
    }),
    calendar,
  };
}

/** When someone leaves the cohort: takes the day out of their diary. */
export function dayCancelledEmail(
  participant: Participant,
  step: StepOf<'development-day'>,
  times: DevelopmentDayTimes,
  calendar: CalendarInvite,
): EmailMessage {
  return {
    ...composeEmail({
      to: participant.person.email,
      subject: `Cancelled for you: ${step.title}, ${formatLondonDate(times.starts)}`,
      greeting: `Dear ${participant.person.name},`,
      paragraphs: [
        `You are no longer booked on ${step.title} with this cohort. The calendar update in this email removes it from your diary.`,
      ],
    }),
    calendar,
  };
}

/**
 * The cohort lead's register for a development day: the whole cohort on one page, or one participant
 * who joined after that register was answered (`joinedLate`).
 */
export function attendanceRequestEmail(
  cohort: Cohort,
  step: StepOf<'development-day'>,
  { link, reminder }: Ask,
  due: Date,
  joinedLate?: Participant,
): EmailMessage {
  const by = formatLondon(due);
  const whose = joinedLate ? ` for ${joinedLate.person.name}` : '';
  return composeEmail({
    to: cohort.cohortLead.email,
    subject: `${reminderPrefix(reminder)}Please record attendance for ${step.title}${whose} by ${by} (${cohort.name})`,
    greeting: `Dear ${cohort.cohortLead.name},`,
    paragraphs: [
      joinedLate
        ? `${joinedLate.person.name} (${joinedLate.school}) joined ${cohort.name} after you sent the register for ${step.title}. Please record whether they attended, by ${by}.`
        : `Please record who attended ${step.title} for ${cohort.name}, by ${by}. It is one page for the whole cohort.`,
    ],
    action: { label: 'Record attendance', url: link },
  });
}

export function submissionRequestEmail(
  participant: Participant,
  step: StepOf<'task'> | StepOf<'framework-submission'>,
  deadline: Date,
  { link, reminder }: Ask,
  { attempt, extended }: { attempt: number; extended: boolean },
): EmailMessage {
  const by = formatLondon(deadline);
  const what = attempt > 1 ? `your resubmission of the ${step.title}` : `your ${step.title}`;
  return composeEmail({
    to: participant.person.email,
    subject: `${reminderPrefix(reminder)}${extended ? 'New deadline: ' : ''}Please submit ${what} by ${by}`,
    greeting: `Dear ${participant.person.name},`,
    paragraphs: [
      extended ? `Your deadline has changed: it is now ${by}.` : step.brief,
      'Submit it on one page, from a computer or a phone.',
    ],
    action: { label: `Submit ${what}`, url: link },
    footnote: `Deadline: ${by}. The link is personal to you: please do not forward it.`,
  });
}

/** Feedback and assessment: the cohort lead is asked to look at this participant's submission. */
export function cohortLeadAskEmail(
  cohort: Cohort,
  participant: Participant,
  step: StepOf<'formative-feedback'> | StepOf<'assessment'>,
  { link, reminder }: Ask,
  due: Date,
): EmailMessage {
  const who = participant.person.name;
  const by = formatLondon(due);
  const assessing = step.kind === 'assessment';
  return composeEmail({
    to: cohort.cohortLead.email,
    subject: `${reminderPrefix(reminder)}${assessing ? `Please assess ${who}'s submission` : `Please give feedback to ${who}`} by ${by}`,
    greeting: `Dear ${cohort.cohortLead.name},`,
    paragraphs: [`${who} (${participant.school}) has submitted. ${step.title} is due from you by ${by}.`],
    action: { label: assessing ? 'Assess the submission' : 'Read it and give feedback', url: link },
  });
}

/** To the programme team: a cohort lead's ask is past its due date. It stays open; they decide whether to chase. */
export function cohortLeadOverdueEmail(adminEmail: string, cohort: Cohort, what: string, due: Date) {
  const lead = cohort.cohortLead;
  return composeEmail({
    to: adminEmail,
    subject: `Overdue from the cohort lead: ${what}`,
    greeting: 'Hello programme team,',
    paragraphs: [
      `${lead.name} (${lead.email}), cohort lead of ${cohort.name}, has not yet sent ${what}, due by ${formatLondon(due)}. Their link still works; you may want to contact them.`,
    ],
  });
}

export function feedbackEmail(
  participant: Participant,
  step: StepOf<'formative-feedback'>,
  feedback: string,
) {
  return composeEmail({
    to: participant.person.email,
    subject: `${step.title}`,
    greeting: `Dear ${participant.person.name},`,
    paragraphs: ['Your cohort lead has sent this feedback. Use it as you complete your framework.', feedback],
  });
}

export function assessmentOutcomeEmail(
  participant: Participant,
  programme: Programme,
  decision: AssessmentDecision,
): EmailMessage {
  const to = { to: participant.person.email, greeting: `Dear ${participant.person.name},` };
  if (decision.outcome === 'resubmit')
    return composeEmail({
      ...to,
      subject: 'Your submission: please revise and resubmit',
      paragraphs: [
        'Your assessor has asked you to revise your submission. Their feedback:',
        decision.feedback ?? '',
        'We will email you a link to resubmit, with your new deadline.',
      ],
    });
  return composeEmail({
    ...to,
    subject: `The outcome of your ${programme.name} assessment`,
    paragraphs: [
      'Your submission was assessed and, this time, it did not meet the standard for accreditation. Your assessor explains why:',
      decision.feedback ?? '',
      'The programme team will be in touch about what you can do next.',
    ],
  });
}

/** Accreditation: certificate, directory, badge pack and community, in one short email. */
export function accreditedEmail(
  participant: Participant,
  programme: Programme,
  links: { certificate: string; directory: string; directoryEntry: string },
): EmailMessage {
  const accreditation = programme.accreditation;
  return composeEmail({
    to: participant.person.email,
    subject: `Congratulations: you are accredited (${programme.name})`,
    greeting: `Dear ${participant.person.name},`,
    paragraphs: [
      'Congratulations: your assessor has accredited you. Your certificate is ready, with a verification code anyone can check.',
      `Choose whether and how you appear in the directory of accredited leads (${links.directory}): ${links.directoryEntry}`,
      `Badge pack for your documents: ${accreditation?.badgePackUrl}. Join the community of accredited leads: ${accreditation?.communityUrl}.`,
    ],
    action: { label: 'Download your certificate', url: links.certificate },
  });
}

export function programmeCompletedEmail(participant: Participant, programme: Programme): EmailMessage {
  return composeEmail({
    to: participant.person.email,
    subject: `You have completed the ${programme.name}`,
    greeting: `Dear ${participant.person.name},`,
    paragraphs: [
      `Congratulations on completing the ${programme.name}. Thank you for all your work this year.`,
    ],
  });
}

/** To the programme team: something only a person can decide (an absence, a missed deadline). */
export function adminAttentionEmail(
  adminEmail: string,
  participant: Participant,
  subject: string,
  paragraphs: string[],
): EmailMessage {
  return composeEmail({
    to: adminEmail,
    subject: `${subject}: ${participant.person.name} (${participant.cohortId})`,
    greeting: 'Hello programme team,',
    paragraphs: [
      `${participant.person.name}, ${participant.school} (participant ${participant.participantId}).`,
      ...paragraphs,
    ],
  });
}
