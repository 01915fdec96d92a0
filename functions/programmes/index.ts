import { Programme } from '../domain/programme.js';
import ncetmPdLead from './ncetm-pd-lead.json' with { type: 'json' };
import primaryMasterySpecialist from './primary-mastery-specialist.json' with { type: 'json' };

/** Every programme we run, validated once at load so a bad file fails the build, not a participant. */
export const programmes: ReadonlyMap<string, Programme> = new Map(
  [ncetmPdLead, primaryMasterySpecialist].map((raw) => {
    const programme = Programme.parse(raw);
    return [programme.id, programme];
  }),
);

export function programmeById(id: string): Programme {
  const programme = programmes.get(id);
  if (!programme) throw new Error(`Unknown programme "${id}"`);
  return programme;
}
