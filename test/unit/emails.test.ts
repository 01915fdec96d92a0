import { describe, expect, it } from 'vitest';
import { Participant } from '../../functions/domain/participant.js';
import { newLinkSecret } from '../../functions/domain/request.js';
import {
  commitmentDeclinedEmails,
  commitmentExpiredEmails,
  commitmentRequestEmail,
  commitmentSignedEmails,
} from '../../functions/email/commitment-emails.js';
import { composeEmail } from '../../functions/email/message.js';
import { programmeById } from '../../functions/programmes/index.js';

const programme = programmeById('ncetm-pd-lead');
const participant = Participant.parse({
  participantId: 'p-test',
  person: { name: 'Asha Patel', email: 'asha@hillside.sch.uk' },
  school: 'Hillside Primary',
  seniorLeader: { name: 'Sam Okafor', email: 'head@hillside.sch.uk', role: 'Head teacher' },
  programmeId: programme.id,
  pathway: 'primary',
  cohortId: 'north-primary-2027',
  stage: 'awaiting-commitment',
  enrolledAt: '2026-09-01T09:00:00.000Z',
  notified: {},
});
const link = `https://forms.example.org/r/${newLinkSecret()}`;
const summerDeadline = new Date('2026-09-15T16:00:00Z');

const occurrences = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('composeEmail', () => {
  it('writes the same content as HTML and plain text', () => {
    const message = composeEmail({
      to: 'a@b.test',
      subject: 'Hello',
      greeting: 'Dear A,',
      paragraphs: ['One.', 'Two.'],
    });
    expect(message.text).toBe('Dear A,\n\nOne.\n\nTwo.\n');
    expect(message.html).toMatch(/^<!doctype html><html lang="en-GB">/);
    expect(message.html).toContain('<p>Dear A,</p>\n<p>One.</p><p>Two.</p>');
    expect(message.html).not.toContain('<a ');
  });
});

describe('commitmentRequestEmail', () => {
  const ask = commitmentRequestEmail({ participant, programme, link, deadline: summerDeadline });

  it('goes to the senior leader, saying what and by when in London time', () => {
    expect(ask.to).toBe('head@hillside.sch.uk');
    expect(ask.subject).toBe(
      'Please confirm your support for Asha Patel by Tuesday 15 September 2026 at 5:00 pm',
    );
    const winter = commitmentRequestEmail({
      participant,
      programme,
      link,
      deadline: new Date('2026-12-04T17:00:00Z'),
    });
    expect(winter.subject).toBe(
      'Please confirm your support for Asha Patel by Friday 4 December 2026 at 5:00 pm',
    );
  });

  it('says Reminder on reminders only', () => {
    expect(
      commitmentRequestEmail({ participant, programme, link, deadline: summerDeadline }, 2).subject,
    ).toBe('Reminder: Please confirm your support for Asha Patel by Tuesday 15 September 2026 at 5:00 pm');
    expect(ask.subject).not.toContain('Reminder');
  });

  it('has both an HTML and a plain-text body, each with the deadline', () => {
    expect(ask.html).toContain('<p>Dear Sam Okafor,</p>');
    expect(ask.text.startsWith('Dear Sam Okafor,\n\n')).toBe(true);
    for (const body of [ask.html, ask.text]) {
      expect(body).toContain('Please answer by Tuesday 15 September 2026 at 5:00 pm.');
      expect(body).toContain(
        'Asha Patel (Hillside Primary) has a place on the NCETM Professional Development',
      );
    }
    expect(ask.text).not.toMatch(/<[a-z!/]/i);
  });

  it('carries the link exactly once in each body: a line of text, and the button', () => {
    expect(occurrences(ask.text, link)).toBe(1);
    expect(ask.text).toContain(`\n\nReview and sign the commitment: ${link}\n\n`);
    expect(occurrences(ask.html, link)).toBe(1);
    expect(occurrences(ask.html, '<a ')).toBe(1);
    expect(ask.html).toContain(`<a href="${link}" style=`);
    expect(ask.html).toMatch(/>Review and sign the commitment<\/a>/);
  });

  it('escapes the link in the href, and leaves it as it is in the text', () => {
    const odd = 'https://forms.example.org/r/abc?x=1&y="2"';
    const message = commitmentRequestEmail({ participant, programme, link: odd, deadline: summerDeadline });
    expect(message.html).toContain('<a href="https://forms.example.org/r/abc?x=1&amp;y=&quot;2&quot;"');
    expect(occurrences(message.text, odd)).toBe(1);
  });

  it('escapes markup in what people typed', () => {
    const hostile: Participant = {
      ...participant,
      person: { ...participant.person, name: 'Asha <script>alert(1)</script>' },
      school: 'Hill & "Side"',
      seniorLeader: { ...participant.seniorLeader, name: '<b>Sam</b>' },
    };
    const message = commitmentRequestEmail({
      participant: hostile,
      programme,
      link,
      deadline: summerDeadline,
    });
    expect(message.html).not.toContain('<script>');
    expect(message.html).not.toContain('<b>');
    expect(message.html).toContain(
      'Asha &lt;script&gt;alert(1)&lt;/script&gt; (Hill &amp; &quot;Side&quot;)',
    );
    expect(message.html).toContain('<p>Dear &lt;b&gt;Sam&lt;/b&gt;,</p>');
    expect(message.text).toContain('Asha <script>alert(1)</script> (Hill & "Side")');
  });
});

describe('outcome emails', () => {
  const answered: Participant = {
    ...participant,
    commitment: {
      decision: 'declined',
      signedBy: 'Jo Deputy',
      role: 'Deputy head',
      reason: 'No cover <this> term & "next"',
      answeredAt: '2026-09-10T14:03:00.000Z',
      textVersion: programme.commitment.textVersion,
      ipAddress: '203.0.113.7',
      userAgent: 'test',
    },
  };

  it('signed: the participant hears who signed; the leader is thanked; neither has a button', () => {
    const [toParticipant, toLeader] = commitmentSignedEmails(
      {
        ...answered,
        commitment: {
          ...(answered.commitment as NonNullable<Participant['commitment']>),
          decision: 'signed',
        },
      },
      programme,
    );
    expect(toParticipant?.to).toBe('asha@hillside.sch.uk');
    expect(toParticipant?.subject).toBe(`You're ready to start the ${programme.name}`);
    expect(toParticipant?.text).toContain(
      `Jo Deputy has signed the commitment to support you on the ${programme.name}.`,
    );
    expect(toLeader?.to).toBe('head@hillside.sch.uk');
    expect(toLeader?.subject).toBe('Thank you: your commitment to support Asha Patel is recorded');
    for (const message of [toParticipant, toLeader]) expect(message?.html).not.toContain('<a ');
  });

  it('declined: the participant and the admin are told, with the reason escaped in HTML', () => {
    const [toParticipant, toAdmin] = commitmentDeclinedEmails(answered, programme, 'team@example.org');
    expect(toParticipant?.to).toBe('asha@hillside.sch.uk');
    expect(toParticipant?.subject).toBe(`Your place on the ${programme.name} cannot go ahead yet`);
    expect(toAdmin?.to).toBe('team@example.org');
    expect(toAdmin?.subject).toBe('Commitment declined for Asha Patel (north-primary-2027)');
    expect(toAdmin?.text).toContain('Their reason: "No cover <this> term & "next""');
    expect(toAdmin?.html).toContain(
      '<p>Their reason: &quot;No cover &lt;this&gt; term &amp; &quot;next&quot;&quot;</p>',
    );
  });

  it('expired: only the admin is told, with the leader to contact', () => {
    const messages = commitmentExpiredEmails(participant, programme, 'team@example.org');
    expect(messages).toHaveLength(1);
    expect(messages[0]?.to).toBe('team@example.org');
    expect(messages[0]?.subject).toBe('No commitment signed for Asha Patel (north-primary-2027)');
    expect(messages[0]?.text).toContain('Sam Okafor (head@hillside.sch.uk) did not answer');
  });
});
