import * as z from 'zod';

/** A programme step's id, as the programme's JSON names it and a cohort's schedule keys it. */
export const StepId = z.string().regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits and dashes');
