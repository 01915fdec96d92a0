import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import { Person, PersonName } from '../domain/participant.js';
import { Pathway, pathwayNames } from '../domain/programme.js';
import { publicText } from '../domain/public-text.js';
import { Applicant } from '../domain/waiting-list.js';
import { fieldErrors, formPage, textField } from '../forms/form-parts.js';
import { page } from '../forms/pages.js';
import { programmes } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';
import { registerInterest } from '../waiting-list/joining.js';

/**
 * The public "register interest" page of a programme's pathway: GET shows the form, POST keeps an
 * unconfirmed entry and emails a link to confirm it (double opt-in: nobody goes on the list with an
 * address they cannot read). Every valid post gets the same page, whether or not anything was sent, so it
 * tells nobody who is on a list. Abuse is bounded by API Gateway's throttling, at most one email a day per
 * address and list, and a honeypot field people never see (no captcha service is available).
 */

/** Far above any honest registration, far below anything abusive. */
const MAX_BODY_BYTES = 8 * 1024;

const fields = [
  { name: 'name', label: 'Your full name', autocomplete: 'name' },
  { name: 'email', label: 'Your email address', autocomplete: 'email', email: true },
  { name: 'school', label: 'Your school, college or organisation', autocomplete: 'organization' },
  {
    name: 'leaderName',
    label: 'Name of a senior leader there',
    hint: 'They will be asked to support you when a place comes up',
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

const Registration = z.object({
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
  leaderRole: z.string().trim().max(100, 'Role must be 100 characters or fewer').optional(),
});

const listFor = (event: APIGatewayProxyEvent) => {
  const programme = programmes.get(event.pathParameters?.programmeId ?? '');
  const pathway = Pathway.safeParse(event.pathParameters?.pathway);
  return programme && pathway.success && programme.pathways.includes(pathway.data)
    ? { programme, pathway: pathway.data }
    : undefined;
};

function registrationPage(
  list: NonNullable<ReturnType<typeof listFor>>,
  values: Record<string, string> = {},
  errors: Record<string, string | undefined> = {},
): APIGatewayProxyResult {
  return formPage(
    {
      title: 'Join the waiting list',
      intro: html`<p>For the ${list.programme.name}, ${pathwayNames[list.pathway]} pathway. When a cohort opens, places are offered in the order people joined, by email, each with a week to accept.</p>
<p>We will email you a link to confirm: you are on the list once you use it.</p>`,
      fields: html`${fields.map((f) => textField(f, values, errors))}
<div style="position:absolute;left:-10000px"><label for="${HONEYPOT}">Leave this empty</label><input type="text" id="${HONEYPOT}" name="${HONEYPOT}" tabindex="-1" autocomplete="off"></div>`,
      fieldOrder: fields.map((f) => f.name),
      submit: 'Join the waiting list',
    },
    errors,
  );
}

const checkYourEmail = () =>
  page(
    200,
    'Check your email',
    html`<h1>Check your email</h1><p>If you are not on this waiting list already, we have emailed you a link to confirm you want to join. It works for a week.</p><p>You can close this page.</p>`,
  );

/** Where this API's pages are, from the page's own address: the confirmation link goes to `r/<secret>` there. */
function siteOf(event: APIGatewayProxyEvent): string {
  const scheme = event.headers?.['x-forwarded-proto'] ?? 'https';
  const host = event.requestContext?.domainName ?? event.headers?.host;
  const path = (event.requestContext?.path ?? event.path).replace(/waiting-list\/[^/]+\/[^/]+\/?$/, '');
  return `${scheme}://${host}${path}`;
}

export async function registerInterestPage(
  event: APIGatewayProxyEvent,
  deps: Dependencies,
): Promise<APIGatewayProxyResult> {
  const list = listFor(event);
  if (!list)
    return page(404, 'Page not found', html`<h1>Page not found</h1><p>Please check the address.</p>`);
  if (event.httpMethod !== 'POST') return registrationPage(list);
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES)
    return page(413, 'Too long', html`<h1>Too long</h1><p>Please shorten what you typed.</p>`);
  const params = new URLSearchParams(raw);
  const values = Object.fromEntries(fields.map((f) => [f.name, params.get(f.name) ?? '']));
  if (params.get(HONEYPOT)) return checkYourEmail();
  const parsed = Registration.safeParse({ ...values, leaderRole: values.leaderRole || undefined });
  if (!parsed.success) return registrationPage(list, values, fieldErrors(parsed.error));
  const { name, email, school, leaderName, leaderEmail, leaderRole } = parsed.data;
  const applicant = Applicant.parse({
    person: { name, email },
    school,
    seniorLeader: { name: leaderName, email: leaderEmail, ...(leaderRole ? { role: leaderRole } : {}) },
  });
  await registerInterest(list.programme.id, list.pathway, applicant, {
    ...deps,
    settings: { ...deps.settings, FORMS_BASE_URL: siteOf(event) },
  });
  return checkYourEmail();
}
