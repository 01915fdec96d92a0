import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ZodError } from 'zod';
import * as z from 'zod';
import { type Participant, type StepOutcome, Submission } from '../domain/participant.js';
import type { Count, Programme, Prompt } from '../domain/programme.js';
import { publicText } from '../domain/public-text.js';
import type { Request } from '../domain/request.js';
import { loadParticipant } from '../lifecycle/participant.js';
import { wakeParticipant, wakeWaiting } from '../lifecycle/wake.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html, type SafeHtml } from '../shared/html.js';
import { DOWNLOAD_LINK_SECONDS } from '../shared/uploads.js';
import { type Asked, type FormValues, keptPage } from './form.js';
import {
  checked,
  describedBy,
  errorSummary,
  type FieldErrors,
  fieldError,
  formTitle,
  type PageOptions,
  page,
} from './pages.js';

/** The parts the emailed forms share: fields, the page around them, and recording an answer. */

const count = (n: number) => n.toLocaleString('en-GB');

/**
 * Typed text, bounded, and required when `missing` says what to ask for. Browsers post line breaks as
 * CRLF but count them as one character against `maxlength`, so they are normalised first: an answer
 * that fitted the box always passes. Text that goes public says so (`goesPublic`, how its messages name
 * it), and then may hold nothing that disguises it (functions/domain/public-text.ts).
 */
interface TypedText {
  what: string;
  maxLength: number;
  goesPublic?: { as: string; lines?: boolean };
}
export function typedText(options: TypedText & { missing: string }): z.ZodString;
export function typedText(options: TypedText): z.ZodOptional<z.ZodString>;
export function typedText({ what, maxLength, missing, goesPublic }: TypedText & { missing?: string }) {
  const text = z
    .string({ error: missing ?? `Enter ${what}` })
    .overwrite((v) => v.replace(/\r\n?/g, '\n'))
    .trim()
    .max(maxLength, {
      error: (issue) =>
        `Shorten ${what} to ${count(maxLength)} characters or fewer (it has ${count(String(issue.input).length)})`,
    });
  const checked = goesPublic ? publicText(text, goesPublic.as, goesPublic) : text;
  // A field nobody has to fill in may also be left out of the post altogether.
  return missing ? checked.min(1, missing) : checked.optional();
}

/** One answer per prompt, each required and no longer than its box. */
export const PromptAnswers = (prompts: Prompt[]) =>
  z.object(
    Object.fromEntries(
      prompts.map((p) => [
        p.name,
        typedText({
          what: `your answer to '${p.label}'`,
          maxLength: p.maxLength,
          missing: `Answer '${p.label}'`,
        }),
      ]),
    ),
  );

/** The first problem with each field, in the person's words (the schemas word their own messages). */
export function fieldErrors(error: ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) errors[String(issue.path[0])] ??= issue.message;
  return errors;
}

/** The participant a request is about: as its link read them, or read now (a form called without a link). */
export const participantAsked = (request: Asked, deps: Dependencies) =>
  request.about ? Promise.resolve(request.about) : loadParticipant(deps.store, request.participantId ?? '');

/** A participant's form: who it is for, their programme, and which attempt this is (a resubmission is 2). */
export async function participantContext(request: Asked, deps: Dependencies) {
  const participant = await participantAsked(request, deps);
  return { participant, programme: programmeById(participant.programmeId), attempt: request.attempt ?? 1 };
}

export function requestStepId(request: Request): string {
  if (!request.stepId) throw new Error(`Request ${request.requestId} is not about a programme step`);
  return request.stepId;
}

/** The submission recorded for a step, if there is one. */
export function submissionFor(participant: Participant, stepId: string) {
  const found = Submission.safeParse(participant.progress[stepId]);
  return found.success ? found.data : undefined;
}

/** The assessment that assesses this step, if any: where a resubmission's feedback lives. */
export const assessmentOf = (programme: Programme, stepId: string) =>
  programme.steps.find((s) => s.kind === 'assessment' && s.of === stepId);

/**
 * Records each participant's outcome (the first answer wins; a later attempt replaces an earlier one),
 * closes the request, then wakes the executions waiting on it. Every write is safe to repeat, so a retry
 * after a crash part-way still closes the request and wakes everyone (`wake` adds anyone whose outcome is
 * already on record). Returns the records as this answer wrote them (the others' outcomes were already
 * recorded) and the page they make (`pageOf`), which the write closing the request keeps for the same
 * post again. Each wait is woken from the record as written (its token), so nobody is read again.
 */
export async function recordAnswer(
  request: Asked,
  outcomes: readonly (readonly [participantId: string, outcome: StepOutcome])[],
  now: Date,
  deps: Dependencies,
  pageOf: (recorded: Participant[]) => APIGatewayProxyResult,
  wake: string[] = outcomes.map(([id]) => id),
): Promise<{ recorded: Participant[]; page: APIGatewayProxyResult }> {
  const stepId = requestStepId(request);
  const attempt = request.attempt ?? 1;
  const replace = attempt > 1 ? { attemptBelow: attempt } : undefined;
  const written = await Promise.all(
    outcomes.map(([id, outcome]) => deps.store.participants.recordStepOutcome(id, stepId, outcome, replace)),
  );
  const recorded = written.filter((p) => p !== false);
  const page = pageOf(recorded);
  const kept = keptPage(page);
  const { replayKey } = request;
  const by = { answeredAt: now.toISOString(), answeredBy: request.recipient.name };
  const answered = await deps.store.requests.answer(request, by, now, kept);
  // Closed meanwhile, yet this post recorded the answer: its page is kept, and its key noted, all the same.
  if (!answered && replayKey && kept && recorded.length > 0)
    await deps.store.requests.noteReplay(request.requestId, { key: replayKey, ...kept });
  await Promise.all(
    wake.map((id) => {
      const record = recorded.find((p) => p.participantId === id);
      return record ? wakeWaiting(record, deps) : wakeParticipant(id, deps);
    }),
  );
  return { recorded, page };
}

/** Inline styles: the CSP allows them, and they keep pages.ts's shared stylesheet untouched. */
const textBlockStyle =
  'white-space:pre-wrap;overflow-wrap:anywhere;background:#f3f2f1;padding:12px;margin:0 0 16px';

/** Someone's typed text, line breaks kept. */
export const textBlock = (text: string) => html`<div style="${textBlockStyle}">${text}</div>`;

/** "512 bytes", "34 KB", "2.5 MB". */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** A submission as the cohort lead reads it: the answers, and each attached file with a download link. */
export interface SubmittedWork {
  answers: Record<string, string>;
  files: { name: string; bytes: number; url?: string | undefined }[];
}

/** The submission recorded for a step, with fresh short-lived download links for its files. */
export async function submittedWork(
  participant: Participant,
  stepId: string,
  deps: Dependencies,
): Promise<SubmittedWork | undefined> {
  const submission = submissionFor(participant, stepId);
  if (!submission) return undefined;
  const files = await Promise.all(
    (submission.attachments ?? []).map(async (a) => ({
      name: a.name,
      bytes: a.bytes,
      url: await deps.uploads?.downloadUrl(a),
    })),
  );
  return { answers: submission.answers, files };
}

function filesList(files: SubmittedWork['files']) {
  if (files.length === 0) return undefined;
  return html`<h3>Files</h3>
<ul>${files.map((f) => html`<li>${f.url ? html`<a href="${f.url}">${f.name}</a>` : f.name} (${fileSize(f.bytes)})</li>`)}</ul>
<p class="hint">The download links work for ${DOWNLOAD_LINK_SECONDS / 60} minutes: reload this page for new ones.</p>`;
}

/** A participant's answers, each under its question, and their files, for the cohort lead to read. */
export function answersSection(heading: string, prompts: Prompt[], work?: SubmittedWork): SafeHtml {
  if (!work) return html`<h2>${heading}</h2><p>There is no submission on record yet.</p>`;
  return html`<h2>${heading}</h2>${prompts.map((p) => html`<h3>${p.label}</h3>${textBlock(work.answers[p.name] ?? '')}`)}
${filesList(work.files)}`;
}

export const whoFor = (participant: Participant) =>
  html`<p><strong>${participant.person.name}</strong>, ${participant.school}</p>`;

const wrapper = (errors: FieldErrors, name: string) => (errors[name] ? 'has-error' : '');

export interface TextareaField {
  name: string;
  label: string;
  hint?: string | undefined;
  maxLength: number;
}

/** A labelled textarea whose hint always says how much fits. */
export function textareaField(field: TextareaField, values: FormValues, errors: FieldErrors): SafeHtml {
  const { name, label, maxLength } = field;
  const hint = `${field.hint ? `${field.hint.replace(/\.$/, '')}. ` : ''}Up to ${count(maxLength)} characters.`;
  const rows = maxLength > 4000 ? 12 : 6;
  // The newline after the opening tag is eaten by the HTML parser, so a kept value starting with one survives.
  return html`<div class="${wrapper(errors, name)}"><label for="${name}">${label}</label>
<span class="hint" id="${name}-hint">${hint}</span>${fieldError(errors, name)}
<textarea id="${name}" name="${name}" rows="${rows}" maxlength="${maxLength}"${describedBy(errors, name, `${name}-hint`)}>
${values[name] ?? ''}</textarea></div>`;
}

export interface TextField {
  name: string;
  label: string;
  hint?: string;
  autocomplete: string;
  email?: boolean;
}

/** A one-line text box (a name, an organisation, an email address). */
export function textField(field: TextField, values: FormValues, errors: FieldErrors): SafeHtml {
  const { name, label, hint, autocomplete } = field;
  const email = field.email ? html` inputmode="email" spellcheck="false"` : undefined;
  return html`<div class="${wrapper(errors, name)}"><label for="${name}">${label}</label>
${hint && html`<span class="hint" id="${name}-hint">${hint}</span>`}${fieldError(errors, name)}
<input type="text" id="${name}" name="${name}" maxlength="${field.email ? 254 : 100}" autocomplete="${autocomplete}"${email} value="${values[name] ?? ''}"${describedBy(errors, name, hint && `${name}-hint`)}></div>`;
}

/**
 * A whole number (how many teachers …): a text box with the numeric keypad on phones, as number inputs
 * mangle typed values and scroll-wheel changes; the server checks the digits.
 */
export function countField(field: Count, values: FormValues, errors: FieldErrors): SafeHtml {
  const { name, label, hint } = field;
  return html`<div class="${wrapper(errors, name)}"><label for="${name}">${label}</label>
${hint && html`<span class="hint" id="${name}-hint">${hint}</span>`}${fieldError(errors, name)}
<input type="text" id="${name}" name="${name}" inputmode="numeric" maxlength="6" autocomplete="off" style="max-width:8em" value="${values[name] ?? ''}"${describedBy(errors, name, hint && `${name}-hint`)}></div>`;
}

/** The answers to `counts`, each a required whole number. */
export const Counts = (counts: Count[]) =>
  z.object(
    Object.fromEntries(
      counts.map((c) => [
        c.name,
        z
          .string({ error: `Answer '${c.label}'` })
          .trim()
          .min(1, `Answer '${c.label}'`)
          .regex(/^\d{1,6}$/, `Enter a whole number for '${c.label}', like 12`)
          .transform(Number),
      ]),
    ),
  );

/** A single tick box the person must tick to go on (agreeing to something). */
export function agreeBox(
  field: { name: string; label: string },
  values: FormValues,
  errors: FieldErrors,
): SafeHtml {
  const { name, label } = field;
  return html`<div class="${wrapper(errors, name)}">${fieldError(errors, name)}
<div class="choice"><input type="checkbox" id="${name}" name="${name}" value="yes"${checked(values[name] === 'yes')}${describedBy(errors, name)}><label for="${name}">${label}</label></div></div>`;
}

export interface RadioGroup {
  name: string;
  legend: string;
  options: { value: string; label: string }[];
  /** Side by side, for short choices repeated down a long page (a register). */
  inline?: boolean;
}

export function radioGroup(group: RadioGroup, values: FormValues, errors: FieldErrors): SafeHtml {
  const { name, options } = group;
  const layout = group.inline ? html` style="display:flex;flex-wrap:wrap;column-gap:32px"` : undefined;
  return html`<div class="${wrapper(errors, name)}"><fieldset id="${name}"${describedBy(errors, name)}>
<legend>${group.legend}</legend>${fieldError(errors, name)}<div${layout}>
${options.map(
  (o) =>
    html`<div class="choice"><input type="radio" id="${name}-${o.value}" name="${name}" value="${o.value}"${checked(values[name] === o.value)}><label for="${name}-${o.value}">${o.label}</label></div>`,
)}</div></fieldset></div>`;
}

export interface FormPage {
  title: string;
  /** What the person needs to read before answering. */
  intro: SafeHtml;
  fields: SafeHtml;
  /** Field names in page order, so the error summary lists problems top to bottom. */
  fieldOrder: string[];
  submit: string;
  /** Anything between the intro and the form (the submission page's file uploads), and where it posts. */
  beforeForm?: SafeHtml | undefined;
  formActions?: PageOptions['formActions'];
}

/** A form page: 422 with the error summary first when the answer came back with problems. */
export function formPage(form: FormPage, errors: FieldErrors = {}): APIGatewayProxyResult {
  const hasErrors = Object.keys(errors).length > 0;
  return page(
    hasErrors ? 422 : 200,
    formTitle(form.title, errors),
    html`${errorSummary(errors, form.fieldOrder)}<h1>${form.title}</h1>${form.intro}${form.beforeForm}
<form method="post" novalidate>${form.fields}<button type="submit">${form.submit}</button></form>`,
    { formActions: form.formActions ?? [] },
  );
}
