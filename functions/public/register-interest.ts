import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { Pathway, pathwayNames } from '../domain/pathway.js';
import { fieldErrors, formPage } from '../forms/form-parts.js';
import { programmes } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';
import { registerInterest } from '../waiting-list/joining.js';
import {
  ApplicantAnswers,
  applicantFields,
  applicantFieldsHtml,
  checkYourEmail,
  linkingHere,
  notFound,
  readPost,
  toApplicant,
} from './applicant-form.js';

/**
 * The public "register interest" page of a programme's pathway: GET shows the form, POST keeps an
 * unconfirmed entry and emails a link to confirm it (double opt-in: nobody goes on the list with an
 * address they cannot read). The guards of a public form: `applicant-form.ts`.
 */

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
      fields: applicantFieldsHtml(values, errors),
      fieldOrder: applicantFields.map((f) => f.name),
      submit: 'Join the waiting list',
    },
    errors,
  );
}

const sent = checkYourEmail(
  'If you are not on this waiting list already, we have emailed you a link to confirm you want to join.',
);

export async function registerInterestPage(
  event: APIGatewayProxyEvent,
  deps: Dependencies,
): Promise<APIGatewayProxyResult> {
  const list = listFor(event);
  if (!list) return notFound();
  if (event.httpMethod !== 'POST') return registrationPage(list);
  const posted = readPost(
    event,
    applicantFields.map((f) => f.name),
    sent,
  );
  if ('page' in posted) return posted.page;
  const parsed = ApplicantAnswers.safeParse(posted.values);
  if (!parsed.success) return registrationPage(list, posted.values, fieldErrors(parsed.error));
  await registerInterest(
    list.programme.id,
    list.pathway,
    toApplicant(parsed.data),
    linkingHere(event, /waiting-list\/[^/]+\/[^/]+\/?$/, deps),
  );
  return sent();
}
