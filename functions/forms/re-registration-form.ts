import * as z from 'zod';
import { followReRegisteredContact } from '../accreditation/re-registration.js';
import { reRegistrationYear } from '../domain/accredited-years.js';
import { PersonName } from '../domain/participant.js';
import type { Request } from '../domain/request.js';
import { formatLondon } from '../domain/time.js';
import { loadParticipant } from '../lifecycle/participant.js';
import { wakeWaiting } from '../lifecycle/wake.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';
import { accreditedContext } from './accredited-context.js';
import type { Asked, FormValues, RequestForm } from './form.js';
import {
  agreeBox,
  Counts,
  countField,
  fieldErrors,
  formPage,
  recordAnswer,
  textField,
  typedText,
} from './form-parts.js';
import { alreadyRecordedPage, type FieldErrors, page, thankYouPage } from './pages.js';

async function context(request: Asked, deps: Dependencies) {
  const ctx = await accreditedContext(request, deps);
  const number = Number(/^re-registration-(\d+)$/.exec(ctx.stepId)?.[1]);
  if (!Number.isInteger(number) || number < 1) throw new Error(`"${ctx.stepId}" is not a re-registration`);
  return { ...ctx, year: reRegistrationYear(ctx.accreditedAt, number, ctx.plan.reRegistration) };
}
type Context = Awaited<ReturnType<typeof context>>;

const contactFields = ['name', 'email', 'organisation'];
const fieldOrder = ({ plan }: Context) => [
  ...contactFields,
  ...plan.reRegistration.counts.map((c) => c.name),
  'commit',
];

const Contact = z.object({
  name: PersonName,
  email: z
    .string({ error: 'Enter your email address' })
    .trim()
    .min(1, 'Enter your email address')
    .max(254, 'Enter an email address of 254 characters or fewer')
    .pipe(z.email('Enter an email address like name@school.org.uk')),
  organisation: typedText({
    what: 'your school, college or organisation',
    maxLength: 100,
    missing: 'Enter your school, college or organisation',
    goesPublic: { as: 'Your organisation' },
  }),
});
const Commit = z.object({
  commit: z.literal('yes', { error: 'Tick the box to commit to a further year' }),
});

/** The form starts from the contact details we hold, so an unchanged lead only adds two numbers and a tick. */
const startingValues = ({ participant }: Context): FormValues => ({
  name: participant.person.name,
  email: participant.person.email,
  organisation: participant.school,
});

function reRegistrationPage(ctx: Context, request: Request, values: FormValues, errors: FieldErrors = {}) {
  const { plan, programme } = ctx;
  return formPage(
    {
      title: 'Re-register as an accredited lead',
      intro: html`<p>${programme.name}: year ${ctx.year.year} of your accreditation. Please re-register by ${formatLondon(new Date(request.expiresAt))}, or your accreditation lapses.</p>`,
      fields: html`<h2>Your contact details</h2>
<p>Change anything that is out of date, including if you have moved to another organisation.</p>
${textField({ name: 'name', label: 'Your name', autocomplete: 'name' }, values, errors)}
${textField({ name: 'email', label: 'Your email address', hint: 'Where we send your termly and yearly asks', autocomplete: 'email', email: true }, values, errors)}
${textField({ name: 'organisation', label: 'Your school, college or organisation', autocomplete: 'organization' }, values, errors)}
<h2>Your reach over the last year</h2>
${plan.reRegistration.counts.map((c) => countField(c, values, errors))}
<h2>A further year</h2>
<p>I commit to the following for a further year:</p>
<ul>${plan.reRegistration.pledges.map((p) => html`<li>${p}</li>`)}</ul>
${agreeBox({ name: 'commit', label: 'I commit to a further year as an accredited lead' }, values, errors)}`,
      fieldOrder: fieldOrder(ctx),
      submit: 'Re-register',
    },
    errors,
  );
}

/**
 * The yearly re-registration: contact details (a move to another organisation included), the year's
 * reach, and the commitment to a further year. The outcome is recorded first (the first answer wins);
 * the contact details and the directory then follow the answer that won, and the execution is woken.
 */
export const reRegistrationForm: RequestForm = {
  fields: async (request, deps) => fieldOrder(await context(request, deps)),

  async show(request, deps) {
    const ctx = await context(request, deps);
    return reRegistrationPage(ctx, request, startingValues(ctx));
  },

  async answer(request, values, _evidence, deps) {
    const ctx = await context(request, deps);
    const { participant, plan } = ctx;
    const contact = Contact.safeParse(values);
    const counts = Counts(plan.reRegistration.counts).safeParse(values);
    const commit = Commit.safeParse(values);
    if (!contact.success || !counts.success || !commit.success)
      return reRegistrationPage(ctx, request, values, {
        ...(contact.success ? {} : fieldErrors(contact.error)),
        ...(counts.success ? {} : fieldErrors(counts.error)),
        ...(commit.success ? {} : fieldErrors(commit.error)),
      });
    const now = deps.clock.now();
    const {
      recorded: [recorded],
      page,
    } = await recordAnswer(
      request,
      [
        [
          participant.participantId,
          {
            outcome: 're-registered',
            reRegisteredAt: now.toISOString(),
            contact: contact.data,
            counts: counts.data as Record<string, number>,
            pledges: plan.reRegistration.pledges,
          },
        ],
      ],
      now,
      deps,
      ([written]) =>
        written
          ? thankYouPage(
              `You are re-registered for year ${ctx.year.year} of your accreditation. We will email you to confirm.`,
            )
          : alreadyRecordedPage(`Your re-registration for year ${ctx.year.year}`),
      [],
    );
    // Whichever answer won (this one, or an earlier post stopped part-way), its contact details apply.
    const winner = recorded || (await loadParticipant(deps.store, participant.participantId));
    await followReRegisteredContact(winner, deps);
    await wakeWaiting(winner, deps);
    return page;
  },

  async alreadyAnswered(request, deps) {
    return alreadyRecordedPage(`Your re-registration for year ${(await context(request, deps)).year.year}`);
  },

  // Its deadline is the lapse: only the programme team can restore an accreditation now.
  expired: async () =>
    page(
      410,
      'The deadline to re-register has passed',
      html`<h1>The deadline to re-register has passed</h1>
<p>Your accreditation has lapsed, and the programme team has been told.</p>
<p>If you would like to return, reply to the email you received and the team will help.</p>`,
    ),
};
