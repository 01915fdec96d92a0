import * as z from 'zod';
import type { Participant, Stage } from '../domain/participant.js';
import { dayTimes, stepById } from '../domain/progress.js';
import { dueBy, type Request } from '../domain/request.js';
import { formatLondon } from '../domain/time.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';
import type { FormValues, RequestForm } from './form.js';
import { fieldErrors, formPage, radioGroup, recordAnswer, requestStepId } from './form-parts.js';
import { alreadyRecordedPage, deadlinePassedPage, type FieldErrors, thankYouPage } from './pages.js';

/** Withdrawn people, and people whose senior leader has not signed, are not on the register. */
const takingPart: Stage[] = ['ready-for-development-days', 'in-programme'];

const prefix = 'attendance-';
const field = (p: Participant) => `${prefix}${p.participantId}`;

/** The cohort's register for one development day, in name order. */
async function register(request: Request, { store }: Dependencies) {
  const cohort = await store.cohorts.get(request.cohortId ?? '');
  if (!cohort) throw new Error(`Request ${request.requestId} has no cohort`);
  const day = stepById(programmeById(cohort.programmeId), requestStepId(request), 'development-day');
  const people = (await store.participants.inCohort(cohort.cohortId))
    // A register of one participant's own (they joined after the cohort's was answered) lists only them.
    .filter(
      (p) =>
        takingPart.includes(p.stage) && (!request.participantId || p.participantId === request.participantId),
    )
    .sort((a, b) => a.person.name.localeCompare(b.person.name, 'en-GB'));
  // Someone deferred from an earlier cohort may have this day on record already: shown, not asked again.
  const toRecord = people.filter((p) => !p.progress[day.id]);
  return { cohort, day, people, toRecord };
}
type Register = Awaited<ReturnType<typeof register>>;

const Choice = (p: Participant) =>
  z.enum(['attended', 'absent'], { error: `Choose Attended or Absent for ${p.person.name}` });

function registerPage(
  { cohort, day, people }: Register,
  request: Request,
  values: FormValues,
  errors: FieldErrors,
) {
  const { starts, ends, venue } = dayTimes(day, cohort);
  const row = (p: Participant) => {
    const recorded = p.progress[day.id]?.outcome;
    if (recorded)
      return html`<p><strong>${p.person.name}</strong>, ${p.school}: already recorded as ${recorded}.</p>`;
    const options = [
      { value: 'attended', label: 'Attended' },
      { value: 'absent', label: 'Absent' },
    ];
    return radioGroup(
      { name: field(p), legend: `${p.person.name}, ${p.school}`, options, inline: true },
      values,
      errors,
    );
  };
  return formPage(
    {
      title: `Attendance: ${day.title}`,
      intro: html`<p>${cohort.name}, ${cohort.mathsHub}.</p>
<p>${day.residential ? 'Residential, from' : 'From'} ${formatLondon(starts)} to ${formatLondon(ends)}, at ${venue}.</p>
<p>Choose Attended or Absent for each participant, then send the register by ${formatLondon(dueBy(request))}.</p>
${people.length === 0 && html`<p>Nobody in this cohort is taking part in this day at the moment.</p>`}`,
      fields: html`${people.map(row)}`,
      fieldOrder: people.map(field),
      submit: 'Send the register',
    },
    errors,
  );
}

/** The cohort lead's register for a development day: one page for the whole cohort. */
export const attendanceForm: RequestForm = {
  fields: async () => ({ startingWith: prefix }),

  async show(request, deps) {
    return registerPage(await register(request, deps), request, {}, {});
  },

  async answer(request, values, _evidence, deps) {
    const current = await register(request, deps);
    const parsed = z
      .object(Object.fromEntries(current.toRecord.map((p) => [field(p), Choice(p)])))
      .safeParse(values);
    if (!parsed.success) return registerPage(current, request, values, fieldErrors(parsed.error));

    const now = deps.clock.now();
    const marks = Object.entries(parsed.data).map(
      ([name, outcome]) =>
        [
          name.slice(prefix.length),
          { outcome, recordedAt: now.toISOString(), recordedBy: request.recipient.name },
        ] as const,
    );
    const everyone = current.people.map((p) => p.participantId);
    const thanks = (records: Participant[]) => {
      const recorded = records.map((p) => p.participantId);
      if (recorded.length === 0 && current.people.length > 0)
        return alreadyRecordedPage(`Attendance for ${current.day.title}`);
      const absent = marks.filter(([id, mark]) => recorded.includes(id) && mark.outcome === 'absent').length;
      return thankYouPage(
        `You recorded ${recorded.length - absent} attended and ${absent} absent for ${current.day.title}.${absent > 0 ? ' We will tell the programme team who was absent, so they can follow up.' : ''}`,
      );
    };
    return (await recordAnswer(request, marks, now, deps, thanks, everyone)).page;
  },

  async alreadyAnswered(request, deps) {
    return alreadyRecordedPage(`Attendance for ${(await register(request, deps)).day.title}`);
  },

  async expired(request, deps) {
    return deadlinePassedPage(`recording attendance at ${(await register(request, deps)).day.title}`);
  },
};
