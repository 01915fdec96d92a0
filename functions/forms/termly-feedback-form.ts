import { termlyReports } from '../domain/accredited-years.js';
import type { Request } from '../domain/request.js';
import { formatLondon } from '../domain/time.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';
import { accreditedContext } from './accredited-context.js';
import type { Asked, FormValues, RequestForm } from './form.js';
import {
  Counts,
  countField,
  fieldErrors,
  formPage,
  PromptAnswers,
  recordAnswer,
  textareaField,
} from './form-parts.js';
import { alreadyRecordedPage, type FieldErrors, page, thankYouPage } from './pages.js';

async function context(request: Asked, deps: Dependencies) {
  const ctx = await accreditedContext(request, deps);
  const questions = ctx.plan.termlyFeedback;
  const report = termlyReports(ctx.accreditedAt, questions).find((r) => r.id === ctx.stepId);
  if (!report) throw new Error(`${ctx.participant.participantId} has no termly report "${ctx.stepId}"`);
  return { ...ctx, questions, report, about: `Your reach and impact report for the ${report.title}` };
}
type Context = Awaited<ReturnType<typeof context>>;

const fieldOrder = ({ questions }: Context) => [
  ...questions.counts.map((c) => c.name),
  ...questions.prompts.map((p) => p.name),
];

function reportPage(ctx: Context, request: Request, values: FormValues, errors: FieldErrors = {}) {
  const { questions, report } = ctx;
  return formPage(
    {
      title: `Your PD reach and impact: ${report.title}`,
      intro: html`<p>Tell us about the professional development you led this term, by ${formatLondon(new Date(request.expiresAt))}. If you led none, enter 0 and say why.</p>`,
      fields: html`${questions.counts.map((c) => countField(c, values, errors))}
${questions.prompts.map((p) => textareaField(p, values, errors))}`,
      fieldOrder: fieldOrder(ctx),
      submit: 'Send my report',
    },
    errors,
  );
}

/** An accredited lead's termly report: how many teachers and schools they reached, what they led, its impact. */
export const termlyFeedbackForm: RequestForm = {
  fields: async (request, deps) => fieldOrder(await context(request, deps)),

  async show(request, deps) {
    return reportPage(await context(request, deps), request, {});
  },

  async answer(request, values, _evidence, deps) {
    const ctx = await context(request, deps);
    const counts = Counts(ctx.questions.counts).safeParse(values);
    const answers = PromptAnswers(ctx.questions.prompts).safeParse(values);
    if (!counts.success || !answers.success)
      return reportPage(ctx, request, values, {
        ...(counts.success ? {} : fieldErrors(counts.error)),
        ...(answers.success ? {} : fieldErrors(answers.error)),
      });
    const now = deps.clock.now();
    const { page } = await recordAnswer(
      request,
      [
        [
          ctx.participant.participantId,
          {
            outcome: 'reported',
            reportedAt: now.toISOString(),
            counts: counts.data as Record<string, number>,
            answers: answers.data as Record<string, string>,
          },
        ],
      ],
      now,
      deps,
      ([recorded]) =>
        recorded
          ? thankYouPage(`${ctx.about} is recorded. Thank you for the PD you lead.`)
          : alreadyRecordedPage(ctx.about),
    );
    return page;
  },

  async alreadyAnswered(request, deps) {
    return alreadyRecordedPage((await context(request, deps)).about);
  },

  // Missed reports are followed up by the programme team, not reopened: the next term's ask comes as usual.
  async expired(request, deps) {
    const { report } = await context(request, deps);
    return page(
      410,
      'The deadline has passed',
      html`<h1>The deadline has passed</h1>
<p>The deadline for your reach and impact report for the ${report.title} has passed, and the programme team has been told. Your accreditation continues.</p>
<p>If you want to tell us about this term after all, reply to the email you received.</p>`,
    );
  },
};
