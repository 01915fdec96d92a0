import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { Person, PersonName } from '../domain/participant.js';
import { publicText } from '../domain/public-text.js';
import { type Applicant, Applicant as ApplicantSchema } from '../domain/waiting-list.js';
import { textField } from '../forms/form-parts.js';
import { page } from '../forms/pages.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';

/**
 * What the public forms that take people in (registering interest in a waiting list, applying to a
 * cohort) share: who the person is, their school and senior leader, and the guards of a form anyone may
 * post. Every valid post gets the same page, whether or not anything was sent, so it tells nobody who has
 * registered or applied. Abuse is bounded by API Gateway's throttling, at most one email a day per address
 * and purpose, and a honeypot field people never see (no captcha service is available).
 */

/** Far above any honest post, far below anything abusive. */
const MAX_BODY_BYTES = 32 * 1024;

export const applicantFields = [
  { name: 'name', label: 'Your full name', autocomplete: 'name' },
  { name: 'email', label: 'Your email address', autocomplete: 'email', email: true },
  { name: 'school', label: 'Your school, college or organisation', autocomplete: 'organization' },
  {
    name: 'leaderName',
    label: 'Name of a senior leader there',
    hint: 'They will be asked to support you when you have a place',
    autocomplete: 'off',
  },
  { name: 'leaderEmail', label: "The senior leader's email address", autocomplete: 'off', email: true },
  {
    name: 'leaderRole',
    label: "The senior leader's role",
    hint: 'For example, Principal',
    autocomplete: 'off',
  },
];

/**
 * Off screen and out of the keyboard's way, labelled for a screen reader that reaches it to leave it
 * empty; bots that fill in every field fill it.
 */
const HONEYPOT = 'website';

export const applicantFieldsHtml = (
  values: Record<string, string>,
  errors: Record<string, string | undefined>,
) =>
  html`${applicantFields.map((f) => textField(f, values, errors))}
<div style="position:absolute;left:-10000px"><label for="${HONEYPOT}">Leave this empty</label><input type="text" id="${HONEYPOT}" name="${HONEYPOT}" tabindex="-1" autocomplete="off"></div>`;

export const ApplicantAnswers = z.object({
  name: PersonName,
  email: Person.shape.email,
  school: publicText(
    z
      .string()
      .trim()
      .min(1, 'Enter your school or organisation')
      .max(200, 'School or organisation must be 200 characters or fewer'),
    'School or organisation',
  ),
  leaderName: PersonName,
  leaderEmail: Person.shape.email,
  leaderRole: z
    .string()
    .trim()
    .max(100, 'Role must be 100 characters or fewer')
    .optional()
    .transform((role) => role || undefined),
});

export function toApplicant(answers: z.output<typeof ApplicantAnswers>): Applicant {
  const { name, email, school, leaderName, leaderEmail, leaderRole } = answers;
  return ApplicantSchema.parse({
    person: { name, email },
    school,
    seniorLeader: { name: leaderName, email: leaderEmail, ...(leaderRole ? { role: leaderRole } : {}) },
  });
}

/** A posted form's fields, or the page to answer with: too long, or a bot's (the honeypot filled). */
export function readPost(
  event: APIGatewayProxyEvent,
  fields: string[],
  sent: () => APIGatewayProxyResult,
): { values: Record<string, string> } | { page: APIGatewayProxyResult } {
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES)
    return { page: page(413, 'Too long', html`<h1>Too long</h1><p>Please shorten what you typed.</p>`) };
  const params = new URLSearchParams(raw);
  if (params.get(HONEYPOT)) return { page: sent() };
  return {
    values: Object.fromEntries(fields.flatMap((f) => (params.has(f) ? [[f, params.get(f) ?? '']] : []))),
  };
}

/** The dependencies with links going to this API's own pages, from the page's address (`r/<secret>` there). */
export function linkingHere(
  event: APIGatewayProxyEvent,
  resourcePath: RegExp,
  deps: Dependencies,
): Dependencies {
  const scheme = event.headers?.['x-forwarded-proto'] ?? 'https';
  const host = event.requestContext?.domainName ?? event.headers?.host;
  const path = (event.requestContext?.path ?? event.path).replace(resourcePath, '');
  return { ...deps, settings: { ...deps.settings, FORMS_BASE_URL: `${scheme}://${host}${path}` } };
}

export const checkYourEmail = (what: string) => () =>
  page(
    200,
    'Check your email',
    html`<h1>Check your email</h1><p>${what} It works for a week.</p><p>You can close this page.</p>`,
  );

export const notFound = () =>
  page(404, 'Page not found', html`<h1>Page not found</h1><p>Please check the address.</p>`);
