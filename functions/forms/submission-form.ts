import type { Attachment, Participant } from '../domain/participant.js';
import type { Programme, StepOf } from '../domain/programme.js';
import { isAssessmentDecision } from '../domain/progress.js';
import type { Request } from '../domain/request.js';
import { formatLondon } from '../domain/time.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';
import {
  FILE_KINDS,
  type FileKind,
  MAX_ATTACHMENTS,
  MAX_UPLOAD_BYTES,
  UPLOAD_FORM_SECONDS,
  type UploadForm,
} from '../shared/uploads.js';
import type { Asked, FormValues, RequestForm, Visit } from './form.js';
import {
  assessmentOf,
  fieldErrors,
  fileSize,
  formPage,
  PromptAnswers,
  participantContext,
  recordAnswer,
  requestStepId,
  submissionFor,
  textareaField,
  textBlock,
} from './form-parts.js';
import { alreadyRecordedPage, deadlinePassedPage, type FieldErrors, thankYouPage } from './pages.js';

type Submittable = StepOf<'task'> | StepOf<'framework-submission'>;

function submittable(programme: Programme, stepId: string): Submittable {
  const step = programme.steps.find((s) => s.id === stepId);
  if (step?.kind !== 'task' && step?.kind !== 'framework-submission')
    throw new Error(`${programme.id} has no task or framework submission "${stepId}"`);
  return step;
}

async function context(request: Asked, deps: Dependencies) {
  const { participant, programme, attempt } = await participantContext(request, deps);
  return { participant, programme, attempt, step: submittable(programme, requestStepId(request)) };
}
type Context = Awaited<ReturnType<typeof context>>;

/** What the assessor asked for, shown above a resubmission's fields. */
function assessorFeedback({ programme, participant, step }: Context) {
  const assessment = assessmentOf(programme, step.id);
  const decision = assessment && participant.progress[assessment.id];
  const feedback = isAssessmentDecision(decision) ? decision.feedback : undefined;
  return html`<p>This is a resubmission. Change your answers below in the light of your assessor's feedback.</p>
${feedback && html`<h2>Your assessor's feedback</h2>${textBlock(feedback)}`}`;
}

const kindsInWords =
  'a PDF, a Word document, a PowerPoint presentation, an Excel spreadsheet, or a PNG or JPEG image';

/**
 * The upload form for one kind of file: straight to S3, the signed policy in hidden fields, the file last
 * (S3 ignores fields after it). Links below it swap in another kind's form (a GET: it only shows a page).
 */
function uploadForm({ kind, action, fields }: UploadForm) {
  const others = FILE_KINDS.filter((k) => k !== kind);
  return html`<form method="post" action="${action}" enctype="multipart/form-data">
${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<label for="file-${kind.id}">Choose ${kind.label}</label>
<span class="hint" id="file-${kind.id}-hint">This upload works for ${UPLOAD_FORM_SECONDS / 60} minutes after the page opens: if it has been longer, reload the page first.</span>
<input type="file" id="file-${kind.id}" name="file" accept="${kind.accept}" required aria-describedby="file-${kind.id}-hint" style="display:block;font-size:19px;max-width:100%">
<button type="submit" style="margin-top:12px">Upload ${kind.label}</button>
</form>
<p>Not ${kind.label}? Add ${others.map(
    (k, i) =>
      html`${i === 0 ? '' : i === others.length - 1 ? ' or ' : ', '}<a href="?kind=${k.id}#add-file">${k.label}</a>`,
  )} instead.</p>`;
}

/**
 * Above the answers: the files added so far and, until there are MAX_ATTACHMENTS, an upload form for the
 * kind of file chosen (`?kind=`, a PDF at first). S3 sends the browser back to this page with the new
 * file's key in the query string, which is used only to say it arrived. Shown only where the page knows
 * its own address (to come back to) and has a bucket.
 */
async function uploadSection(ctx: Context, request: Request, deps: Dependencies, visit?: Visit) {
  if (!deps.uploads || !visit) return undefined;
  const earlier = ctx.attempt > 1 ? (submissionFor(ctx.participant, ctx.step.id)?.attachments ?? []) : [];
  const added = await deps.uploads.list(request.requestId);
  const kind = FILE_KINDS.find((k) => k.id === visit.query.kind) ?? (FILE_KINDS[0] as FileKind);
  const form =
    added.length < MAX_ATTACHMENTS
      ? await deps.uploads.uploadForm(request.requestId, kind, visit.pageUrl)
      : undefined;
  const arrived = visit.query.key ? added.find((u) => u.key === visit.query.key) : undefined;
  return {
    formActions: form ? [form.action] : [],
    html: html`<h2 id="add-file">Add a file (optional)</h2>
${arrived && html`<div role="status" style="border:4px solid #00703c;padding:12px 16px;margin-bottom:16px"><strong>${arrived.name} is uploaded.</strong> It will be sent with your answers.</div>`}
<p>You can add up to ${MAX_ATTACHMENTS} files to your answers, each up to ${fileSize(MAX_UPLOAD_BYTES)}: ${kindsInWords}. Upload them before you send your answers: they are sent with them.</p>
${earlier.length > 0 && html`<p>Files you sent last time (${earlier.map((a) => a.name).join(', ')}) are not carried over: add again any you want your assessor to see.</p>`}
${
  added.length > 0
    ? html`<h3>Files you have added</h3><ul>${added.map((u) => html`<li>${u.name} (${fileSize(u.bytes)})</li>`)}</ul>`
    : html`<p>You have not added any files.</p>`
}
${form ? uploadForm(form) : html`<p>You have added as many files as you can.</p>`}
<h2>Your answers</h2>`,
  };
}

async function submissionPage(
  ctx: Context,
  request: Request,
  deps: Dependencies,
  visit: Visit | undefined,
  values: FormValues,
  errors: FieldErrors = {},
) {
  const { step, attempt } = ctx;
  const uploads = await uploadSection(ctx, request, deps, visit);
  return formPage(
    {
      title: step.title,
      intro: html`<p>${step.brief}</p>
<p>Please submit by ${formatLondon(new Date(request.expiresAt))}. You can write your answers elsewhere first and paste them in.</p>
${attempt > 1 && assessorFeedback(ctx)}`,
      fields: html`${step.prompts.map((p) => textareaField(p, values, errors))}`,
      fieldOrder: step.prompts.map((p) => p.name),
      submit: attempt > 1 ? 'Send my resubmission' : 'Send my answers',
      beforeForm: uploads?.html,
      formActions: uploads?.formActions,
    },
    errors,
  );
}

/**
 * The request's uploads, each checked again from what S3 stored (type, size, first bytes): those that pass
 * are recorded with the submission; the names of the others are returned so the participant is told.
 */
async function checkedUploads(request: Request, deps: Dependencies) {
  const { uploads } = deps;
  if (!uploads) return { attachments: [], refused: [] };
  const listed = await uploads.list(request.requestId);
  const checked = await Promise.all(listed.slice(0, MAX_ATTACHMENTS).map((u) => uploads.check(u)));
  const attachments = checked.filter((a): a is Attachment => a !== undefined);
  const refused = listed.filter((u) => !attachments.some((a) => a.key === u.key)).map((u) => u.name);
  return { attachments, refused };
}

const list = (names: string[]) => names.join(', ');

function filesSentence({ attachments, refused }: Awaited<ReturnType<typeof checkedUploads>>) {
  const sent =
    attachments.length > 0
      ? ` and ${attachments.length === 1 ? 'your file' : `your ${attachments.length} files`} (${list(attachments.map((a) => a.name))})`
      : '';
  const notSent =
    refused.length > 0
      ? ` We could not include ${list(refused)}: each file must be ${kindsInWords}, no more than ${fileSize(MAX_UPLOAD_BYTES)}, named without invisible or text-direction characters, and at most ${MAX_ATTACHMENTS} files. Reply to the email you received if you need to send it another way.`
      : '';
  return { sent, notSent };
}

/** A resubmission starts from the previous answers, so the participant edits rather than retypes. */
const previousAnswers = (participant: Participant, step: Submittable, attempt: number) =>
  (attempt > 1 && submissionFor(participant, step.id)?.answers) || {};

/** A participant's interim task or framework submission (PDLPERF), or a resubmission of it. */
export const submissionForm: RequestForm = {
  async fields(request, deps) {
    return (await context(request, deps)).step.prompts.map((p) => p.name);
  },

  async show(request, deps, visit) {
    const ctx = await context(request, deps);
    return submissionPage(ctx, request, deps, visit, previousAnswers(ctx.participant, ctx.step, ctx.attempt));
  },

  async answer(request, values, _evidence, deps, visit) {
    const ctx = await context(request, deps);
    const parsed = PromptAnswers(ctx.step.prompts).safeParse(values);
    if (!parsed.success) return submissionPage(ctx, request, deps, visit, values, fieldErrors(parsed.error));

    const files = await checkedUploads(request, deps);
    const now = deps.clock.now();
    const submission = {
      outcome: 'submitted' as const,
      attempt: ctx.attempt,
      submittedAt: now.toISOString(),
      answers: parsed.data,
      ...(files.attachments.length > 0 && { attachments: files.attachments }),
    };
    const { sent, notSent } = filesSentence(files);
    const { page } = await recordAnswer(
      request,
      [[ctx.participant.participantId, submission]],
      now,
      deps,
      ([recorded]) =>
        recorded
          ? thankYouPage(
              `We have your ${ctx.attempt > 1 ? 'resubmission' : 'answers'}${sent} for ${ctx.step.title}. We will email you about what happens next.${notSent}`,
            )
          : alreadyRecordedPage(`Your ${ctx.step.title} submission`),
    );
    return page;
  },

  async alreadyAnswered(request, deps) {
    return alreadyRecordedPage(`Your ${(await context(request, deps)).step.title} submission`);
  },

  async expired(request, deps) {
    return deadlinePassedPage((await context(request, deps)).step.title);
  },
};
