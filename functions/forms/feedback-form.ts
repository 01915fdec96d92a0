import * as z from 'zod';
import { stepById } from '../domain/progress.js';
import { dueBy, type Request } from '../domain/request.js';
import { formatLondon } from '../domain/time.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';
import type { Asked, FormValues, RequestForm } from './form.js';
import {
  answersSection,
  fieldErrors,
  formPage,
  participantContext,
  recordAnswer,
  requestStepId,
  submittedWork,
  textareaField,
  typedText,
  whoFor,
} from './form-parts.js';
import { alreadyRecordedPage, deadlinePassedPage, type FieldErrors, thankYouPage } from './pages.js';

const MAX_FEEDBACK = 4000;

async function context(request: Asked, deps: Dependencies) {
  const { participant, programme } = await participantContext(request, deps);
  const step = stepById(programme, requestStepId(request), 'formative-feedback');
  const task = stepById(programme, step.on, 'task');
  const work = await submittedWork(participant, task.id, deps);
  return { participant, task, work, about: `${participant.person.name}'s ${task.title.toLowerCase()}` };
}
type Context = Awaited<ReturnType<typeof context>>;

function feedbackPage(ctx: Context, request: Request, values: FormValues, errors: FieldErrors = {}) {
  const { participant, task } = ctx;
  const name = participant.person.name;
  return formPage(
    {
      title: `Feedback on ${ctx.about}`,
      intro: html`${whoFor(participant)}
<p>Please give your feedback by ${formatLondon(dueBy(request))}. ${name} will use it while completing their framework.</p>
${answersSection(`${name}'s answers`, task.prompts, ctx.work)}`,
      fields: textareaField(
        { name: 'feedback', label: `Your feedback for ${name}`, maxLength: MAX_FEEDBACK },
        values,
        errors,
      ),
      fieldOrder: ['feedback'],
      submit: 'Send my feedback',
    },
    errors,
  );
}

/** The cohort lead's formative feedback on a participant's interim task. */
export const feedbackForm: RequestForm = {
  fields: async () => ['feedback'],

  async show(request, deps) {
    return feedbackPage(await context(request, deps), request, {});
  },

  async answer(request, values, _evidence, deps) {
    const ctx = await context(request, deps);
    const Feedback = z.object({
      feedback: typedText({
        what: 'your feedback',
        maxLength: MAX_FEEDBACK,
        missing: `Write your feedback for ${ctx.participant.person.name}`,
      }),
    });
    const parsed = Feedback.safeParse(values);
    if (!parsed.success) return feedbackPage(ctx, request, values, fieldErrors(parsed.error));

    const now = deps.clock.now();
    const given = {
      outcome: 'feedback-given' as const,
      givenAt: now.toISOString(),
      givenBy: request.recipient.name,
      feedback: parsed.data.feedback,
    };
    const { page } = await recordAnswer(
      request,
      [[ctx.participant.participantId, given]],
      now,
      deps,
      ([recorded]) =>
        recorded
          ? thankYouPage(`Your feedback on ${ctx.about} is recorded. We will send it to them.`)
          : alreadyRecordedPage(`Feedback on ${ctx.about}`),
    );
    return page;
  },

  async alreadyAnswered(request, deps) {
    return alreadyRecordedPage(`Feedback on ${(await context(request, deps)).about}`);
  },

  async expired(request, deps) {
    return deadlinePassedPage(`feedback on ${(await context(request, deps)).about}`);
  },
};
