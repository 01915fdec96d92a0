import { z } from 'zod';
import type { Participant } from '../domain/participant.js';
import type { Programme, StepOf } from '../domain/programme.js';
import { isAssessmentDecision } from '../domain/progress.js';
import type { Request } from '../domain/request.js';
import { formatLondon } from '../domain/time.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';
import type { FormValues, RequestForm } from './form.js';
import {
  assessmentOf,
  fieldErrors,
  formPage,
  participantContext,
  recordAnswer,
  requestStepId,
  submissionFor,
  textareaField,
  textBlock,
  typedText,
} from './form-parts.js';
import { alreadyRecordedPage, deadlinePassedPage, type FieldErrors, thankYouPage } from './pages.js';

type Submittable = StepOf<'task'> | StepOf<'framework-submission'>;

function submittable(programme: Programme, stepId: string): Submittable {
  const step = programme.steps.find((s) => s.id === stepId);
  if (step?.kind !== 'task' && step?.kind !== 'framework-submission')
    throw new Error(`${programme.id} has no task or framework submission "${stepId}"`);
  return step;
}

async function context(request: Request, deps: Dependencies) {
  const { participant, programme, attempt } = await participantContext(request, deps);
  return { participant, programme, attempt, step: submittable(programme, requestStepId(request)) };
}
type Context = Awaited<ReturnType<typeof context>>;

/** One answer per prompt, each required and no longer than its box. */
const Answers = (step: Submittable) =>
  z.object(
    Object.fromEntries(
      step.prompts.map((p) => [
        p.name,
        typedText({
          what: `your answer to '${p.label}'`,
          maxLength: p.maxLength,
          missing: `Answer '${p.label}'`,
        }),
      ]),
    ),
  );

/** What the assessor asked for, shown above a resubmission's fields. */
function assessorFeedback({ programme, participant, step }: Context) {
  const assessment = assessmentOf(programme, step.id);
  const decision = assessment && participant.progress[assessment.id];
  const feedback = isAssessmentDecision(decision) ? decision.feedback : undefined;
  return html`<p>This is a resubmission. Change your answers below in the light of your assessor's feedback.</p>
${feedback && html`<h2>Your assessor's feedback</h2>${textBlock(feedback)}`}`;
}

function submissionPage(ctx: Context, request: Request, values: FormValues, errors: FieldErrors = {}) {
  const { step, attempt } = ctx;
  return formPage(
    {
      title: step.title,
      intro: html`<p>${step.brief}</p>
<p>Please submit by ${formatLondon(new Date(request.expiresAt))}. You can write your answers elsewhere first and paste them in.</p>
${attempt > 1 && assessorFeedback(ctx)}`,
      fields: html`${step.prompts.map((p) => textareaField(p, values, errors))}`,
      fieldOrder: step.prompts.map((p) => p.name),
      submit: attempt > 1 ? 'Send my resubmission' : 'Send my answers',
    },
    errors,
  );
}

/** A resubmission starts from the previous answers, so the participant edits rather than retypes. */
const previousAnswers = (participant: Participant, step: Submittable, attempt: number) =>
  (attempt > 1 && submissionFor(participant, step.id)?.answers) || {};

/** A participant's interim task or framework submission (PDLPERF), or a resubmission of it. */
export const submissionForm: RequestForm = {
  async fields(request, deps) {
    return (await context(request, deps)).step.prompts.map((p) => p.name);
  },

  async show(request, deps) {
    const ctx = await context(request, deps);
    return submissionPage(ctx, request, previousAnswers(ctx.participant, ctx.step, ctx.attempt));
  },

  async answer(request, values, _evidence, deps) {
    const ctx = await context(request, deps);
    const parsed = Answers(ctx.step).safeParse(values);
    if (!parsed.success) return submissionPage(ctx, request, values, fieldErrors(parsed.error));

    const now = deps.clock.now();
    const submission = {
      outcome: 'submitted' as const,
      attempt: ctx.attempt,
      submittedAt: now.toISOString(),
      answers: parsed.data,
    };
    const [recorded] = await recordAnswer(request, [[ctx.participant.participantId, submission]], now, deps);
    if (!recorded) return alreadyRecordedPage(`Your ${ctx.step.title} submission`);
    return thankYouPage(
      `We have your ${ctx.attempt > 1 ? 'resubmission' : 'answers'} for ${ctx.step.title}. We will email you about what happens next.`,
    );
  },

  async alreadyAnswered(request, deps) {
    return alreadyRecordedPage(`Your ${(await context(request, deps)).step.title} submission`);
  },

  async expired(request, deps) {
    return deadlinePassedPage((await context(request, deps)).step.title);
  },
};
