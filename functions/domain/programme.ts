import * as z from 'zod';
import { Pathway } from './pathway.js';
import { StepId } from './step-id.js';

/*
 * What a programme's JSON (functions/programmes/) must be. Validated when tested
 * (test/unit/programme-definitions.test.ts), never when a function starts: functions import only the types
 * here, since importing this module builds every schema in it.
 */

/** A reminder ladder: reminders go out this many days after the ask, and the ask lapses after `expiresAfterDays`. */
export const ReminderLadder = z
  .object({
    reminderAfterDays: z.array(z.number().positive()).max(10),
    expiresAfterDays: z.number().positive(),
  })
  .refine(
    (l) =>
      l.reminderAfterDays.every((d, i, all) => d < l.expiresAfterDays && (i === 0 || d > (all[i - 1] ?? 0))),
    {
      message: 'reminders must be in increasing order and before expiry',
    },
  );
export type ReminderLadder = z.infer<typeof ReminderLadder>;

/** One question a participant answers when submitting a task or their framework. */
export const Prompt = z.object({
  name: z.string().regex(/^[a-z][a-zA-Z0-9]{0,30}$/),
  label: z.string().min(1),
  hint: z.string().optional(),
  maxLength: z.number().int().positive().max(10_000).default(4000),
});
export type Prompt = z.infer<typeof Prompt>;

const Titled = { id: StepId, title: z.string().min(1).max(100) };

/**
 * The steps of a programme, in order. A development day is dated by the cohort; a task or framework
 * submission has a deadline in the cohort's schedule; feedback and assessment follow what they are about.
 */
export const ProgrammeStep = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('development-day'),
    ...Titled,
    /** A residential starts the evening before and runs overnight. */
    residential: z.boolean().default(false),
  }),
  z.object({ kind: z.literal('task'), ...Titled, brief: z.string().min(1), prompts: z.array(Prompt).min(1) }),
  z.object({ kind: z.literal('formative-feedback'), ...Titled, on: StepId }),
  z.object({
    kind: z.literal('framework-submission'),
    ...Titled,
    brief: z.string().min(1),
    prompts: z.array(Prompt).min(1),
  }),
  z.object({
    kind: z.literal('assessment'),
    ...Titled,
    of: StepId,
    maxResubmissions: z.number().int().min(0).max(3).default(1),
  }),
]);
export type ProgrammeStep = z.infer<typeof ProgrammeStep>;
export type StepKind = ProgrammeStep['kind'];
export type StepOf<K extends StepKind> = Extract<ProgrammeStep, { kind: K }>;

const MonthDay = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { error: 'a month and day like 12-19', abort: true })
  // A day the month has (in a leap year): 02-31 would silently become 3 March.
  .refine((md) => {
    const [month = 0, day = 0] = md.split('-').map(Number);
    return new Date(Date.UTC(2028, month - 1, day)).getUTCDate() === day;
  }, 'a day the month has');

/** The English school terms, in the order of a school year. */
export const Term = z.enum(['autumn', 'spring', 'summer']);
export type Term = z.infer<typeof Term>;

/** A whole-number question on a form (how many teachers, schools …). */
export const Count = z.object({
  name: z.string().regex(/^[a-z][a-zA-Z0-9]{0,30}$/),
  label: z.string().min(1),
  hint: z.string().optional(),
});
export type Count = z.infer<typeof Count>;

const Days = z.number().int().min(0).max(120);

/**
 * The accredited years: termly reach-and-impact feedback for the first terms after accreditation, and a
 * re-registration every year on the accreditation's anniversary; not re-registering lapses it.
 */
export const Accreditation = z.object({
  badgePackUrl: z.url(),
  communityUrl: z.url(),
  termlyFeedback: z.object({
    /** When each term ends, as month-day: the report on a term is asked for before it ends. */
    termEnds: z.record(Term, MonthDay),
    /** How many terms are reported on: three is a school year. */
    forTerms: z.number().int().min(1).max(30),
    askDaysBeforeTermEnds: Days,
    /** Due this long after the term ends (a holiday comes first), at 5 pm London time. */
    dueDaysAfterTermEnds: Days.min(1),
    remindersDaysBefore: z.array(z.number().positive()).max(5),
    counts: z.array(Count).min(1).max(5),
    prompts: z.array(Prompt).min(1).max(5),
  }),
  reRegistration: z.object({
    /** Asked this long before the anniversary, which is the deadline (5 pm London time). */
    askDaysBefore: Days.min(1),
    remindersDaysBefore: z.array(z.number().positive()).max(5),
    /** What the lead agrees to for a further year. */
    pledges: z.array(z.string().min(1)).min(1),
    counts: z.array(Count).min(1).max(5),
  }),
});
export type Accreditation = z.infer<typeof Accreditation>;

/**
 * A programme that takes applications before enrolment (the Primary Mastery Specialist does): what the
 * applicant confirms they meet, the questions they answer, and the interview that follows, after which a
 * Maths Hub lead records the decision.
 */
export const ApplicationProcess = z.object({
  /** What the applicant must confirm, word for word, e.g. a year in the Teaching for Mastery programme. */
  prerequisite: z.string().min(1).optional(),
  questions: z.array(Prompt).min(1).max(10),
  interview: z.object({
    title: z.string().min(1).max(100),
    /** What happens at it, for the applicant's invite. */
    description: z.string().min(1).max(500),
  }),
});
export type ApplicationProcess = z.infer<typeof ApplicationProcess>;

/** A programme is data: adding one needs a JSON file, not code. */
export const Programme = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(1),
    pathways: z.array(Pathway).min(1),
    commitment: z.object({
      /** Recorded with every signature so we know exactly what a senior leader agreed to. */
      textVersion: z.string().min(1),
      summary: z.string().min(1),
      pledges: z.array(z.string().min(1)).min(1),
      ladder: ReminderLadder,
    }),
    steps: z.array(ProgrammeStep).min(1),
    /** Joining instructions and the calendar invite go out this long before each development day. */
    joiningInstructionsDaysBefore: z.number().positive().max(60),
    /** Reminders before a submission deadline, in days before it, largest first. */
    submissionRemindersDaysBefore: z.array(z.number().positive()).max(5),
    /**
     * What the cohort lead is asked (attendance, formative feedback, assessment) is due this many days
     * after what it follows, at 5 pm London time, with reminders the given days before. Past its due date
     * the admin is told once, and the ask stays open: cohort leads are never cut off.
     */
    cohortLeadAsks: z.object({
      /** After the development day ends (or, for someone who joined after its register, after the ask). */
      attendanceDueDaysAfterDay: Days.min(1),
      feedbackDueDaysAfterSubmission: Days.min(1),
      assessmentDueDaysAfterSubmission: Days.min(1),
      remindersDaysBefore: z.array(z.number().positive()).max(5),
    }),
    /** Applications before enrolment; absent for a programme the admin enrols people into directly. */
    application: ApplicationProcess.optional(),
    /** What an accredited lead receives and then does; absent for a programme that ends without accreditation. */
    accreditation: Accreditation.optional(),
  })
  .superRefine((programme, ctx) => {
    const seen = new Map<string, StepKind>();
    for (const [index, step] of programme.steps.entries()) {
      const problem = (message: string) => ctx.addIssue({ code: 'custom', path: ['steps', index], message });
      if (seen.has(step.id)) problem(`step id "${step.id}" is used twice`);
      if (step.kind === 'formative-feedback' && seen.get(step.on) !== 'task')
        problem(`feedback "${step.id}" must follow the task it is on`);
      if (step.kind === 'assessment' && seen.get(step.of) !== 'framework-submission')
        problem(`assessment "${step.id}" must follow the framework submission it assesses`);
      seen.set(step.id, step.kind);
    }
    const assessed = programme.steps.some((s) => s.kind === 'assessment');
    if (assessed !== Boolean(programme.accreditation))
      ctx.addIssue({ code: 'custom', path: ['accreditation'], message: 'an assessed programme accredits' });
  });
export type Programme = z.infer<typeof Programme>;
