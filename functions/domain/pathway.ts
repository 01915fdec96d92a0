import * as z from 'zod';

/** The phase a programme and its cohorts are for. */
export const Pathway = z.enum(['primary', 'secondary', 'a-level', 'further-education']);
export type Pathway = z.infer<typeof Pathway>;

export const pathwayNames: Record<Pathway, string> = {
  primary: 'Primary',
  secondary: 'Secondary',
  'a-level': 'A level',
  'further-education': 'Further education',
};
