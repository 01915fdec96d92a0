import type { Programme } from '../domain/programme.js';
import ncetmPdLead from './ncetm-pd-lead.json' with { type: 'json' };
import primaryMasterySpecialist from './primary-mastery-specialist.json' with { type: 'json' };

/**
 * Every programme we run, as its JSON says. Validated when tested, not at every cold start:
 * test/unit/programme-definitions.test.ts parses each file here with the `Programme` schema and requires
 * the result to be the file itself (every default spelled out, no key the schema would drop), so a broken
 * file fails `npm test`, and what runs is exactly what was validated.
 */
export const definitions = [ncetmPdLead, primaryMasterySpecialist] as unknown as Programme[];

export const programmes: ReadonlyMap<string, Programme> = new Map(
  definitions.map((programme) => [programme.id, programme]),
);

export function programmeById(id: string): Programme {
  const programme = programmes.get(id);
  if (!programme) throw new Error(`Unknown programme "${id}"`);
  return programme;
}
