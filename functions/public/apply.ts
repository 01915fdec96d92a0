import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { sendApplication } from '../applications/applying.js';
import type { Cohort } from '../domain/cohort.js';
import { pathwayNames } from '../domain/pathway.js';
import type { Programme } from '../domain/programme.js';
import { formatLondonDate } from '../domain/time.js';
import { agreeBox, fieldErrors, formPage, PromptAnswers, textareaField } from '../forms/form-parts.js';
import { programmes } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';
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
 * The public application form of a cohort whose programme takes applications (the Primary Mastery
 * Specialist): who they are, the programme's questions, and the prerequisite it states, which they must
 * confirm. GET shows it; POST keeps the application unconfirmed and emails a link to confirm it.
 */

const PREREQUISITE = 'prerequisite';

const sent = checkYourEmail(
  'If you have not applied to this cohort already, we have emailed you a link to confirm your application.',
);

async function applicationTo(event: APIGatewayProxyEvent, { store }: Dependencies) {
  const cohort = await store.cohorts.get(event.pathParameters?.cohortId ?? '');
  const programme = cohort && programmes.get(cohort.programmeId);
  return cohort && programme?.application ? { cohort, programme, process: programme.application } : undefined;
}
type ApplicationTo = NonNullable<Awaited<ReturnType<typeof applicationTo>>>;

const fieldNames = ({ process }: ApplicationTo) => [
  ...applicantFields.map((f) => f.name),
  ...process.questions.map((q) => q.name),
  ...(process.prerequisite ? [PREREQUISITE] : []),
];

const startsOn = (cohort: Cohort) => formatLondonDate(new Date(`${cohort.startsOn}T12:00:00Z`));
const title = (programme: Programme) => `Apply for the ${programme.name}`;

function applicationPage(
  to: ApplicationTo,
  values: Record<string, string> = {},
  errors: Record<string, string | undefined> = {},
): APIGatewayProxyResult {
  const { cohort, programme, process } = to;
  return formPage(
    {
      title: title(programme),
      intro: html`<p>${cohort.name}, ${pathwayNames[cohort.pathway]} pathway, run by ${cohort.mathsHub}, starting ${startsOn(cohort)}.</p>
<p>After you apply, the Maths Hub invites you to an interview: ${process.interview.description}</p>`,
      fields: html`${applicantFieldsHtml(values, errors)}
${process.questions.map((q) => textareaField(q, values, errors))}
${process.prerequisite ? agreeBox({ name: PREREQUISITE, label: process.prerequisite }, values, errors) : undefined}`,
      fieldOrder: fieldNames(to),
      submit: 'Send my application',
    },
    errors,
  );
}

const Answers = (to: ApplicationTo) =>
  ApplicantAnswers.extend(PromptAnswers(to.process.questions).shape).extend(
    to.process.prerequisite
      ? { [PREREQUISITE]: z.literal('yes', { error: 'Confirm you meet the prerequisite to apply' }) }
      : {},
  );

export async function applyPage(
  event: APIGatewayProxyEvent,
  deps: Dependencies,
): Promise<APIGatewayProxyResult> {
  const to = await applicationTo(event, deps);
  if (!to) return notFound();
  if (event.httpMethod !== 'POST') return applicationPage(to);
  const posted = readPost(event, fieldNames(to), sent);
  if ('page' in posted) return posted.page;
  const parsed = Answers(to).safeParse(posted.values);
  if (!parsed.success) return applicationPage(to, posted.values, fieldErrors(parsed.error));
  const given = parsed.data as Record<string, unknown>;
  const answers = Object.fromEntries(to.process.questions.map((q) => [q.name, String(given[q.name])]));
  await sendApplication(
    to.cohort,
    toApplicant(ApplicantAnswers.parse(posted.values)),
    { answers, ...(to.process.prerequisite ? { prerequisiteConfirmed: to.process.prerequisite } : {}) },
    linkingHere(event, /applications\/[^/]+\/?$/, deps),
  );
  return sent();
}
