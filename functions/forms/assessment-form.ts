import * as z from 'zod';
import { isAssessmentDecision, stepById } from '../domain/progress.js';
import { dueBy, type Request } from '../domain/request.js';
import { DAY, formatLondon, londonTime, toLondonLocal } from '../domain/time.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';
import type { Asked, FormValues, RequestForm } from './form.js';
import {
  answersSection,
  fieldErrors,
  formPage,
  participantContext,
  radioGroup,
  recordAnswer,
  requestStepId,
  submittedWork,
  textareaField,
  textBlock,
  typedText,
  whoFor,
} from './form-parts.js';
import {
  alreadyRecordedPage,
  deadlinePassedPage,
  describedBy,
  type FieldErrors,
  fieldError,
  thankYouPage,
} from './pages.js';

const MAX_FEEDBACK = 4000;
const RESUBMIT_WITHIN_DAYS = 120;
/** A resubmission is due at the end of the school day it names. */
const RESUBMIT_TIME = '17:00';

/** Today's date in England, as a date input posts it ("2027-06-30"). */
const londonDate = (instant: Date) => toLondonLocal(instant).slice(0, 10);
const plusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
/** Rejects "2027-13-01" (no such month) and "2027-02-30", which Date.parse quietly rolls into March. */
const isRealDate = (date: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(date)) && plusDays(date, 0) === date;

const ResubmitBy = (today: string) => {
  const latest = plusDays(today, RESUBMIT_WITHIN_DAYS);
  return z
    .string({ error: 'Enter the date they must resubmit by' })
    .trim()
    .min(1, 'Enter the date they must resubmit by')
    .refine(isRealDate, { message: 'Enter a real date, for example 2027-06-30', abort: true })
    .refine((d) => d > today, 'The resubmission date must be after today')
    .refine((d) => d <= latest, `The resubmission date must be within ${RESUBMIT_WITHIN_DAYS} days of today`);
};

const Assessment = (today: string) => {
  const feedback = (missing?: string) =>
    missing
      ? typedText({ what: 'your feedback', maxLength: MAX_FEEDBACK, missing })
      : typedText({ what: 'your feedback', maxLength: MAX_FEEDBACK });
  return z.discriminatedUnion('decision', [
    z.object({ decision: z.literal('accredited'), feedback: feedback() }),
    z.object({
      decision: z.literal('resubmit'),
      feedback: feedback('Tell them what to improve before they resubmit'),
      resubmitBy: ResubmitBy(today),
    }),
    z.object({
      decision: z.literal('not-accredited'),
      feedback: feedback('Tell them why their framework is not accredited'),
    }),
  ]);
};

async function context(request: Asked, deps: Dependencies) {
  const { participant, programme, attempt } = await participantContext(request, deps);
  const step = stepById(programme, requestStepId(request), 'assessment');
  const framework = stepById(programme, step.of, 'framework-submission');
  // The assessor may ask for a resubmission only so many times.
  const resubmitOffered = attempt <= step.maxResubmissions;
  const about = `${participant.person.name}'s ${framework.title}`;
  const work = await submittedWork(participant, framework.id, deps);
  return { participant, step, framework, attempt, resubmitOffered, about, work };
}
type Context = Awaited<ReturnType<typeof context>>;

/** Every problem at once: with no decision chosen, the feedback's length is still checked. */
function validate(ctx: Context, values: FormValues, today: string) {
  const offered = ['accredited', 'not-accredited', ...(ctx.resubmitOffered ? ['resubmit'] : [])];
  const chosen = offered.includes(values.decision ?? '');
  const result = Assessment(today).safeParse(chosen ? values : { ...values, decision: 'accredited' });
  if (chosen && result.success) return { decision: result.data };
  const errors = result.error ? fieldErrors(result.error) : {};
  if (!chosen)
    errors.decision =
      values.decision === 'resubmit'
        ? 'They cannot be asked to resubmit again: choose Accredited or Not accredited'
        : 'Choose your decision';
  return { errors };
}

function resubmitByField(ctx: Context, values: FormValues, errors: FieldErrors, today: string) {
  if (!ctx.resubmitOffered) return undefined;
  const style = 'font-size:19px;padding:8px;border:2px solid #0b0c0c;max-width:100%';
  return html`<div class="${errors.resubmitBy ? 'has-error' : ''}"><label for="resubmitBy">If they must resubmit: the new deadline</label>
<span class="hint" id="resubmitBy-hint">Their framework will be due at 5:00 pm on this day. Choose a date within ${RESUBMIT_WITHIN_DAYS} days.</span>${fieldError(errors, 'resubmitBy')}
<input type="date" id="resubmitBy" name="resubmitBy" style="${style}" min="${plusDays(today, 1)}" max="${plusDays(today, RESUBMIT_WITHIN_DAYS)}" value="${values.resubmitBy ?? ''}"${describedBy(errors, 'resubmitBy', 'resubmitBy-hint')}></div>`;
}

/** On a resubmission, what the assessor asked for last time. */
function previousFeedback({ participant, step, attempt }: Context) {
  const previous = participant.progress[step.id];
  if (attempt === 1 || !isAssessmentDecision(previous)) return undefined;
  return html`<p>This is their resubmission.</p>${previous.feedback && html`<h2>What you asked them to improve</h2>${textBlock(previous.feedback)}`}`;
}

function assessmentPage(
  ctx: Context,
  request: Request,
  today: string,
  values: FormValues,
  errors: FieldErrors = {},
) {
  const { participant, framework, resubmitOffered } = ctx;
  const name = participant.person.name;
  const options = [
    { value: 'accredited', label: 'Accredited' },
    ...(resubmitOffered ? [{ value: 'resubmit', label: 'Resubmit: they improve it and send it again' }] : []),
    { value: 'not-accredited', label: 'Not accredited' },
  ];
  return formPage(
    {
      title: `Assess ${ctx.about}`,
      intro: html`${whoFor(participant)}
<p>Please send your decision by ${formatLondon(dueBy(request))}.</p>
${previousFeedback(ctx)}
${answersSection(`${name}'s answers`, framework.prompts, ctx.work)}`,
      fields: html`${radioGroup({ name: 'decision', legend: 'Your decision', options }, values, errors)}
${textareaField(
  {
    name: 'feedback',
    label: `Feedback for ${name}`,
    hint: resubmitOffered
      ? 'Needed if they must resubmit (what to improve) or are not accredited (why)'
      : 'Needed if they are not accredited (say why)',
    maxLength: MAX_FEEDBACK,
  },
  values,
  errors,
)}
${resubmitByField(ctx, values, errors, today)}`,
      fieldOrder: ['decision', 'feedback', 'resubmitBy'],
      submit: 'Send my decision',
    },
    errors,
  );
}

/** The cohort lead's assessment of a framework submission: accredit, ask for a resubmission, or not. */
export const assessmentForm: RequestForm = {
  fields: async () => ['decision', 'feedback', 'resubmitBy'],

  async show(request, deps) {
    return assessmentPage(await context(request, deps), request, londonDate(deps.clock.now()), {});
  },

  async answer(request, values, _evidence, deps) {
    const ctx = await context(request, deps);
    const now = deps.clock.now();
    const today = londonDate(now);
    const valid = validate(ctx, values, today);
    if (!valid.decision) return assessmentPage(ctx, request, today, values, valid.errors);

    const answer = valid.decision;
    const resubmitBy = answer.decision === 'resubmit' ? `${answer.resubmitBy}T${RESUBMIT_TIME}` : undefined;
    const decision = {
      outcome: answer.decision,
      attempt: ctx.attempt,
      decidedAt: now.toISOString(),
      decidedBy: request.recipient.name,
      ...(answer.feedback ? { feedback: answer.feedback } : {}),
      ...(resubmitBy ? { resubmitBy } : {}),
    };
    const name = ctx.participant.person.name;
    const { page } = await recordAnswer(
      request,
      [[ctx.participant.participantId, decision]],
      now,
      deps,
      ([recorded]) =>
        recorded
          ? thankYouPage(
              resubmitBy
                ? `You asked ${name} to resubmit by ${formatLondon(londonTime(resubmitBy))}. We will email them your feedback.`
                : `You decided ${name} is ${answer.decision === 'accredited' ? 'accredited' : 'not accredited'}. We will email them the outcome.`,
            )
          : alreadyRecordedPage(`The assessment of ${ctx.about}`),
    );
    return page;
  },

  async alreadyAnswered(request, deps) {
    return alreadyRecordedPage(`The assessment of ${(await context(request, deps)).about}`);
  },

  async expired(request, deps) {
    return deadlinePassedPage(`assessing ${(await context(request, deps)).about}`);
  },
};
