import type { APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { type DirectoryEntry, mayBeListed } from '../domain/directory.js';
import type { Participant } from '../domain/participant.js';
import { pathwayNames } from '../domain/pathway.js';
import type { Request } from '../domain/request.js';
import { formatLondonDate } from '../domain/time.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';
import type { Asked, FormValues, RequestForm } from './form.js';
import {
  fieldErrors,
  formPage,
  participantContext,
  radioGroup,
  textareaField,
  textField,
  typedText,
} from './form-parts.js';
import { type FieldErrors, page } from './pages.js';

/**
 * The accredited lead's entry in the public directory: whether they are listed, and what it shows.
 *
 * The exception to "the first answer wins": the lead may come back and change their entry, or leave the
 * directory, as often as they like while the link lasts, so the request is never marked answered, and
 * every post saves what it says (changing back to an earlier entry saves it again).
 */

const MAX_OFFER = 500;
const fieldOrder = ['listed', 'displayName', 'organisation', 'region', 'contactEmail', 'offer'];

const Listed = z.object({
  listed: z.enum(['yes', 'no'], { error: 'Choose whether to be listed in the directory' }),
});

const Entry = z.object({
  displayName: typedText({
    what: 'your name',
    maxLength: 100,
    missing: 'Enter the name to show in the directory',
    goesPublic: { as: 'Your name' },
  }),
  organisation: typedText({
    what: 'your organisation',
    maxLength: 100,
    goesPublic: { as: 'Your organisation' },
  }),
  region: typedText({ what: 'your region or Maths Hub', maxLength: 100, goesPublic: { as: 'Your region' } }),
  contactEmail: z
    .string()
    .trim()
    .max(254, 'Enter an email address of 254 characters or fewer')
    .refine((v) => v === '' || z.email().safeParse(v).success, {
      error: 'Enter an email address like name@school.org.uk, or leave it empty',
    })
    .optional(),
  offer: typedText({
    what: 'the PD you offer',
    maxLength: MAX_OFFER,
    goesPublic: { as: 'The PD you offer', lines: true },
  }),
});

async function context(request: Asked, deps: Dependencies) {
  const { participant, programme } = await participantContext(request, deps);
  const entry = await deps.store.directory.get(participant.participantId);
  return { participant, programme, entry };
}
type Context = Awaited<ReturnType<typeof context>>;

/** What the form starts from: their entry as it is, or their name, school and Maths Hub to edit. */
async function startingValues({ participant, entry }: Context, deps: Dependencies): Promise<FormValues> {
  if (entry)
    return {
      listed: 'yes',
      displayName: entry.displayName,
      organisation: entry.organisation ?? '',
      region: entry.region ?? '',
      contactEmail: entry.contactEmail ?? '',
      offer: entry.offer ?? '',
    };
  const cohort = await deps.store.cohorts.get(participant.cohortId);
  return {
    displayName: participant.person.name,
    organisation: participant.school,
    region: cohort?.mathsHub ?? '',
  };
}

function entryPage(ctx: Context, request: Request, values: FormValues, errors: FieldErrors = {}) {
  const { participant, programme } = ctx;
  return formPage(
    {
      title: 'Your entry in the directory of accredited leads',
      intro: html`<p>You are accredited: ${programme.name}, ${pathwayNames[participant.pathway]} pathway.</p>
<p>The directory is public. You choose whether you are in it and what it shows: leave a box empty to keep it off your entry.</p>
<p>You can change this with the same link until ${formatLondonDate(new Date(request.expiresAt))}.</p>`,
      fields: html`${radioGroup(
        {
          name: 'listed',
          legend: 'Do you want to be listed in the directory?',
          options: [
            { value: 'yes', label: 'Yes, list me' },
            { value: 'no', label: 'No, do not list me' },
          ],
        },
        values,
        errors,
      )}
<h2>If you are listed, show</h2>
${textField({ name: 'displayName', label: 'Your name', autocomplete: 'name' }, values, errors)}
${textField({ name: 'organisation', label: 'Organisation', hint: 'Your school, college or trust', autocomplete: 'organization' }, values, errors)}
${textField({ name: 'region', label: 'Region or Maths Hub', autocomplete: 'off' }, values, errors)}
${textField({ name: 'contactEmail', label: 'Contact email (optional)', hint: 'Shown to anyone who reads the directory', autocomplete: 'email', email: true }, values, errors)}
${textareaField({ name: 'offer', label: 'The PD I offer (optional)', hint: 'For example, the phases, topics and formats you lead', maxLength: MAX_OFFER }, values, errors)}`,
      fieldOrder,
      submit: 'Save my choice',
    },
    errors,
  );
}

const orNothing = (text: string | undefined) => (text ? text : undefined);

function savedPage(listed: boolean, request: Request): APIGatewayProxyResult {
  const until = formatLondonDate(new Date(request.expiresAt));
  // Relative, because the forms and the directory share one base address wherever they are deployed.
  return page(
    200,
    'Thank you: your choice is saved',
    html`<h1>Thank you: your choice is saved</h1>
<p>${listed ? 'Your entry is in the directory of accredited leads.' : 'You are not listed in the directory.'}</p>
${listed ? html`<p><a href="../directory">See the directory</a></p>` : undefined}
<p>You can change this with the same link until ${until}.</p>`,
  );
}

const notAccreditedPage = () =>
  page(
    403,
    'Only accredited leads can be listed',
    html`<h1>Only accredited leads can be listed</h1><p>Your accreditation is not recorded yet. If you think this is wrong, reply to the email you received and the programme team will help.</p>`,
  );

/** The accreditation lapsed (a withdrawn lead's links say so before they reach the form). */
const notCurrentPage = () =>
  page(
    410,
    'This link no longer changes the directory',
    html`<h1>This link no longer changes the directory</h1>
<p>Your accreditation has lapsed, so you are not listed in the directory of accredited leads, and this link cannot list you again.</p>
<p>If you would like to return, reply to the email you received: once the programme team restores your accreditation, you can choose again.</p>`,
  );

/** Why this lead cannot change their entry now, if they cannot. */
const cannotList = (participant: Participant) =>
  !participant.accreditation ? notAccreditedPage() : !mayBeListed(participant) ? notCurrentPage() : undefined;

async function save(participant: Participant, entry: z.infer<typeof Entry>, deps: Dependencies) {
  const listed: DirectoryEntry = {
    participantId: participant.participantId,
    programmeId: participant.programmeId,
    pathway: participant.pathway,
    displayName: entry.displayName,
    organisation: orNothing(entry.organisation),
    region: orNothing(entry.region),
    contactEmail: orNothing(entry.contactEmail),
    offer: orNothing(entry.offer),
    updatedAt: deps.clock.now().toISOString(),
  };
  // The entry item is what the public sees, so it is written first; the flag follows it. The store lists
  // only a lead whose accreditation is still current.
  if (!(await deps.store.directory.save(listed))) return false;
  await deps.store.participants.setListedInDirectory(participant.participantId, true);
  return true;
}

export const directoryEntryForm: RequestForm = {
  repeatable: true,
  fields: async () => fieldOrder,

  async show(request, deps) {
    const ctx = await context(request, deps);
    return cannotList(ctx.participant) ?? entryPage(ctx, request, await startingValues(ctx, deps));
  },

  async answer(request, values, _evidence, deps) {
    const ctx = await context(request, deps);
    const { participant } = ctx;
    const refused = cannotList(participant);
    if (refused) return refused;
    const listed = Listed.safeParse(values);
    // Leaving needs nothing else; otherwise every problem is listed at once.
    if (listed.success && listed.data.listed === 'no') {
      await deps.store.directory.remove(participant.participantId);
      await deps.store.participants.setListedInDirectory(participant.participantId, false);
      return savedPage(false, request);
    }
    const entry = Entry.safeParse(values);
    if (!listed.success || !entry.success)
      return entryPage(ctx, request, values, {
        ...(listed.success ? {} : fieldErrors(listed.error)),
        ...(entry.success ? {} : fieldErrors(entry.error)),
      });
    return (await save(participant, entry.data, deps)) ? savedPage(true, request) : notCurrentPage();
  },

  // Never reached while the request stays open; there only in case the programme team closes it.
  alreadyAnswered: async () =>
    page(
      409,
      'This link is closed',
      html`<h1>This link is closed</h1><p>Your directory entry is unchanged. To change it, reply to the email you received and the programme team will send a new link.</p>`,
    ),

  expired: async () =>
    page(
      410,
      'This link has expired',
      html`<h1>This link has expired</h1><p>Your directory entry is unchanged. To change it, reply to the email you received and the programme team will send a new link.</p>`,
    ),
};
