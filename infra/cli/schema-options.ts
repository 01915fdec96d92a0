import { Option } from 'commander';
import type { z } from 'zod';

/**
 * Command-line options derived from an admin command's zod schema, so a command added to `AdminCommand`
 * is on the command line with nothing written for it. Each field is an option named by its path in
 * kebab case (`participant.email` is `--participant-email`, `seniorLeader.role` `--senior-leader-role`);
 * a command whose only field is an object takes that object's fields unprefixed (`create-cohort`:
 * `--cohort-id`, not `--cohort-cohort-id`); the fields of a union of objects are all offered (a day's
 * `--schedule-starts`, or a deadline's `--schedule-deadline`); records and lists take JSON.
 */
export interface FieldOption {
  /** Where the value goes in the command. */
  path: string[];
  /** Commander's attribute name for it. */
  flag: string;
  kind: 'text' | 'number' | 'flag' | 'json';
  description: string;
}

type Schema = z.core.$ZodType;
const defOf = (schema: Schema) => schema._zod.def as unknown as Record<string, unknown> & { type: string };

/** Past `.optional()` and `.default()`: what the field is. */
function unwrapped(schema: Schema): Schema {
  let inner = schema;
  while (['optional', 'default', 'nullable'].includes(defOf(inner).type))
    inner = defOf(inner).innerType as Schema;
  return inner;
}

const kebab = (path: string[]) =>
  path
    .join('-')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();

const camel = (kebabName: string) => kebabName.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function hint(schema: Schema): string {
  const { type } = defOf(schema);
  const described = (schema as { description?: string }).description;
  if (described) return described;
  if (type === 'string' && defOf(schema).format === 'email') return 'an email address';
  if (type === 'string' && defOf(schema).format === 'date') return 'a date like 2027-01-15';
  if (type === 'record' || type === 'array' || type === 'union') return 'JSON';
  return type === 'string' ? 'text' : type;
}

function fieldsOf(shape: Record<string, Schema>, prefix: string[]): FieldOption[] {
  return Object.entries(shape).flatMap(([name, field]) => {
    const path = [...prefix, name];
    const schema = unwrapped(field);
    const def = defOf(schema);
    if (def.type === 'object') return fieldsOf((schema as z.ZodObject).shape, path);
    const options = def.options as Schema[] | undefined;
    if (def.type === 'union' && options?.every((o) => defOf(unwrapped(o)).type === 'object'))
      return mergedUnionFields(options.map((o) => fieldsOf((unwrapped(o) as z.ZodObject).shape, path)));
    const flag = camel(kebab(path));
    if (def.type === 'boolean') return [{ path, flag, kind: 'flag', description: 'yes if given' }];
    if (def.type === 'number') return [{ path, flag, kind: 'number', description: 'a number' }];
    // Choices are named in the help and checked by the schema, so a wrong one is answered like any wrong field.
    if (def.type === 'enum')
      return [
        { path, flag, kind: 'text', description: `one of ${Object.keys(def.entries as object).join(', ')}` },
      ];
    const kind = ['string', 'literal'].includes(def.type) ? 'text' : 'json';
    return [{ path, flag, kind, description: hint(schema) }];
  });
}

/** The fields of each shape a union allows, each offered once. */
function mergedUnionFields(branches: FieldOption[][]): FieldOption[] {
  const byFlag = new Map<string, FieldOption>();
  for (const field of branches.flat()) if (!byFlag.has(field.flag)) byFlag.set(field.flag, field);
  return [...byFlag.values()];
}

/** The options for one command of the `AdminCommand` union (its `command` field aside). */
export function fieldOptions(schema: z.ZodObject): FieldOption[] {
  const { command: _command, ...fields } = schema.shape as Record<string, Schema>;
  const entries = Object.entries(fields);
  const only = entries.length === 1 && entries[0];
  if (only && defOf(unwrapped(only[1])).type === 'object') {
    const [name, field] = only;
    return fieldsOf((unwrapped(field) as z.ZodObject).shape, []).map((option) => ({
      ...option,
      path: [name, ...option.path],
    }));
  }
  return fieldsOf(fields, []);
}

/** Commander's option for a field. */
export function commanderOption(field: FieldOption): Option {
  const name = `--${kebab([field.flag])}`;
  return field.kind === 'flag'
    ? new Option(name, field.description)
    : new Option(`${name} <${field.kind === 'json' ? 'json' : 'value'}>`, field.description);
}

/** A wrong option value (JSON that does not parse), named as the command line names it. */
export class OptionValueInvalid extends Error {
  constructor(
    readonly option: string,
    why: string,
  ) {
    super(`${option}: ${why}`);
  }
}

/** The command as the options give it, over what `base` (an `--input` file) holds. */
export function commandFromOptions(
  command: string,
  fields: FieldOption[],
  values: Record<string, unknown>,
  base: Record<string, unknown> = {},
): Record<string, unknown> {
  const built: Record<string, unknown> = { ...structuredClone(base), command };
  for (const field of fields) {
    const raw = values[field.flag];
    if (raw === undefined) continue;
    let value: unknown = raw;
    if (field.kind === 'number') value = Number(raw);
    if (field.kind === 'json')
      try {
        value = JSON.parse(String(raw));
      } catch {
        throw new OptionValueInvalid(`--${kebab([field.flag])}`, 'not JSON');
      }
    let at = built;
    for (const key of field.path.slice(0, -1)) {
      if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
      at = at[key] as Record<string, unknown>;
    }
    at[field.path.at(-1) as string] = value;
  }
  return built;
}
