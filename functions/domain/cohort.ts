import * as z from 'zod';
import { Pathway } from './pathway.js';
import { publicText } from './public-text.js';
import { StepId } from './step-id.js';
import { LondonLocalTime } from './time.js';

/* A cohort as the admin creates and edits it, and as the store reads it back. */

export const DaySchedule = z
  .object({
    starts: LondonLocalTime,
    ends: LondonLocalTime,
    venue: publicText(z.string().min(1).max(300), 'Venue'),
    /** Bumped each time the admin changes the day, so calendar invites update rather than duplicate. */
    sequence: z.number().int().nonnegative().default(0),
  })
  .refine((d) => d.starts < d.ends, 'a development day must end after it starts');
export const DeadlineSchedule = z.object({ deadline: LondonLocalTime });
/** One step's entry in a cohort's schedule: a development day, or a deadline. */
export const ScheduleEntry = z.union([DaySchedule, DeadlineSchedule]);

export const Cohort = z.object({
  cohortId: z.string().regex(/^[a-z0-9-]{3,64}$/, 'lower-case letters, digits and dashes'),
  programmeId: z.string(),
  pathway: Pathway,
  /**
   * The Maths Hub running the cohort, or "national" for the national body (A level). Given when the cohort
   * is created and never edited (edit-cohort changes days, deadlines and the lead), so each participant's
   * record keeps a copy that stays true.
   */
  mathsHub: z.string().min(1).max(100),
  name: publicText(z.string().min(1).max(200), 'Cohort name'),
  cohortLead: z.object({
    name: publicText(z.string().min(1).max(100), 'Cohort lead name'),
    email: z.email(),
  }),
  /** Who gets the cohort's weekly digest of what is overdue; the ADMIN_EMAIL setting when absent. */
  adminEmail: z.email().optional(),
  startsOn: z.iso.date(),
  /** How many places it has, if limited: enrolment never takes more (a conditional write on the cohort). */
  capacity: z.number().int().min(1).max(500).optional(),
  /** By step id: when and where each development day is, and each submission's deadline. */
  schedule: z.record(StepId, ScheduleEntry),
});
export type Cohort = z.infer<typeof Cohort>;
