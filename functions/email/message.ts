import { html, type SafeHtml } from '../shared/html.js';

/**
 * A calendar invite (text/calendar). The UID is stable for one person's place at one event, so an update
 * or a cancellation replaces the entry already in their diary; SEQUENCE orders the versions.
 */
export interface CalendarInvite {
  method: 'REQUEST' | 'CANCEL';
  uid: string;
  sequence: number;
  content: string;
}

/** Every email we send: short, one action at most, in both HTML and plain text. */
export interface EmailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  calendar?: CalendarInvite;
}

/** An ask's email: its own fresh link, and which reminder it is (0 for the first ask). */
export type Ask = { link: string; reminder: number };
export const reminderPrefix = (reminder: number) => (reminder ? 'Reminder: ' : '');

export interface EmailContent {
  to: string;
  subject: string;
  greeting: string;
  /** One or two short paragraphs. */
  paragraphs: string[];
  action?: { label: string; url: string };
  /** Shown under the button, e.g. the deadline. */
  footnote?: string;
}

const button = (action: { label: string; url: string }): SafeHtml =>
  html`<p style="margin:24px 0"><a href="${action.url}" style="background:#00703c;color:#fff;padding:12px 20px;text-decoration:none;border-radius:4px;font-weight:bold;display:inline-block">${action.label}</a></p>`;

export function composeEmail(content: EmailContent): EmailMessage {
  const body = html`<!doctype html><html lang="en-GB"><body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#0b0c0c;max-width:560px;margin:0 auto;padding:16px">
<p>${content.greeting}</p>
${content.paragraphs.map((p) => html`<p>${p}</p>`)}
${content.action && button(content.action)}
${content.footnote && html`<p style="color:#505a5f">${content.footnote}</p>`}
</body></html>`;
  const text = [
    content.greeting,
    ...content.paragraphs,
    ...(content.action ? [`${content.action.label}: ${content.action.url}`] : []),
    ...(content.footnote ? [content.footnote] : []),
  ].join('\n\n');
  return { to: content.to, subject: content.subject, html: body.value, text: `${text}\n` };
}

/**
 * The invite as an iCalendar file. `ics` (and the yup it validates with) is imported on first use: only
 * interviews and development days have invites, and bundles split it out of the functions' INIT.
 */
export async function calendarInvite(event: {
  method: CalendarInvite['method'];
  uid: string;
  sequence: number;
  title: string;
  starts: Date;
  ends: Date;
  location: string;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string };
  now: Date;
}): Promise<CalendarInvite> {
  const { createEvent } = await import('ics');
  const utc = (d: Date) => d.getTime();
  const { error, value } = createEvent({
    method: event.method,
    uid: event.uid,
    sequence: event.sequence,
    title: event.title,
    location: event.location,
    start: utc(event.starts),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: utc(event.ends),
    endInputType: 'utc',
    endOutputType: 'utc',
    lastModified: utc(event.now),
    status: event.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    organizer: event.organizer,
    attendees: [{ ...event.attendee, rsvp: false, partstat: 'ACCEPTED', role: 'REQ-PARTICIPANT' }],
  });
  if (error || !value) throw new Error(`Calendar invite ${event.uid}: ${error?.message ?? 'empty'}`);
  return { method: event.method, uid: event.uid, sequence: event.sequence, content: value };
}
