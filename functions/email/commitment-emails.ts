import type { Participant } from '../domain/participant.js';
import type { Programme } from '../domain/programme.js';
import { formatLondon } from '../domain/time.js';
import { composeEmail, type EmailMessage } from './message.js';

interface AskContext {
  participant: Participant;
  programme: Programme;
  link: string;
  deadline: Date;
}

/** The first ask, and each reminder: same button, a subject that says what and by when. */
export function commitmentRequestEmail(
  { participant, programme, link, deadline }: AskContext,
  reminder = 0,
): EmailMessage {
  const by = formatLondon(deadline);
  const who = participant.person.name;
  return composeEmail({
    to: participant.seniorLeader.email,
    subject: `${reminder ? 'Reminder: ' : ''}Please confirm your support for ${who} by ${by}`,
    greeting: `Dear ${participant.seniorLeader.name},`,
    paragraphs: [
      `${who} (${participant.school}) has a place on the ${programme.name}. They can start once a senior leader confirms the school will support them.`,
      'It takes two minutes: read the commitment, then sign or tell us why you cannot.',
    ],
    action: { label: 'Review and sign the commitment', url: link },
    footnote: `Please answer by ${by}. The link is personal to you: please do not forward it.`,
  });
}

export function commitmentSignedEmails(participant: Participant, programme: Programme): EmailMessage[] {
  const signer = participant.commitment?.signedBy ?? participant.seniorLeader.name;
  return [
    composeEmail({
      to: participant.person.email,
      subject: `You're ready to start the ${programme.name}`,
      greeting: `Dear ${participant.person.name},`,
      paragraphs: [
        `${signer} has signed the commitment to support you on the ${programme.name}.`,
        'We will email your joining details for the first development day before it happens. There is nothing you need to do now.',
      ],
    }),
    composeEmail({
      to: participant.seniorLeader.email,
      subject: `Thank you: your commitment to support ${participant.person.name} is recorded`,
      greeting: `Dear ${participant.seniorLeader.name},`,
      paragraphs: [
        `Thank you for confirming your support for ${participant.person.name} on the ${programme.name}. We have told them they can start.`,
      ],
    }),
  ];
}

export function commitmentDeclinedEmails(
  participant: Participant,
  programme: Programme,
  adminEmail: string,
): EmailMessage[] {
  const reason = participant.commitment?.reason ?? '';
  const signer = participant.commitment?.signedBy ?? participant.seniorLeader.name;
  return [
    composeEmail({
      to: participant.person.email,
      subject: `Your place on the ${programme.name} cannot go ahead yet`,
      greeting: `Dear ${participant.person.name},`,
      paragraphs: [
        `${signer} was not able to commit to supporting you on the ${programme.name}, so your place cannot go ahead for now.`,
        'The programme team has been told and will be in touch about your options.',
      ],
    }),
    composeEmail({
      to: adminEmail,
      subject: `Commitment declined for ${participant.person.name} (${participant.cohortId})`,
      greeting: 'Hello programme team,',
      paragraphs: [
        `${signer} declined to commit to supporting ${participant.person.name} (${participant.school}) in cohort ${participant.cohortId}.`,
        `Their reason: "${reason}"`,
      ],
    }),
  ];
}

export function commitmentExpiredEmails(
  participant: Participant,
  programme: Programme,
  adminEmail: string,
): EmailMessage[] {
  return [
    composeEmail({
      to: adminEmail,
      subject: `No commitment signed for ${participant.person.name} (${participant.cohortId})`,
      greeting: 'Hello programme team,',
      paragraphs: [
        `${participant.seniorLeader.name} (${participant.seniorLeader.email}) did not answer the request to support ${participant.person.name} on the ${programme.name}, after every reminder.`,
        'The request has expired and they cannot start. Please contact the school about their place.',
      ],
    }),
  ];
}
