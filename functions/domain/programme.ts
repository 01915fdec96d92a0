import { z } from 'zod';

export const Pathway = z.enum(['primary', 'secondary', 'a-level', 'further-education']);
export type Pathway = z.infer<typeof Pathway>;

export const pathwayNames: Record<Pathway, string> = {
  primary: 'Primary',
  secondary: 'Secondary',
  'a-level': 'A level',
  'further-education': 'Further education',
};

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

/** A programme is data: adding one needs a JSON file, not code. */
export const Programme = z.object({
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
});
export type Programme = z.infer<typeof Programme>;

export const Cohort = z.object({
  cohortId: z.string().regex(/^[a-z0-9-]{3,64}$/, 'lower-case letters, digits and dashes'),
  programmeId: z.string(),
  pathway: Pathway,
  /** The Maths Hub running the cohort, or "national" for the national body (A level). */
  mathsHub: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  cohortLead: z.object({ name: z.string().min(1).max(100), email: z.email() }),
  startsOn: z.iso.date(),
});
export type Cohort = z.infer<typeof Cohort>;
