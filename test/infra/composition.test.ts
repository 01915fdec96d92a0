import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entryPoints, workflowTasks } from '../../functions/catalog.js';
import { type FunctionName, type Permissions, permissions } from '../../functions/permissions.js';
import { compose, compositions, type PartName } from '../../functions/shared/composition.js';
import { store } from '../../functions/shared/parts/store.js';

/**
 * Each Lambda entry composes only the parts it uses (so its bundle carries nothing else), and exactly the
 * parts its declared permissions grant: least-privilege.test.ts proves the grants are what the code calls.
 */

const root = resolve(import.meta.dirname, '../..');
const entries: Record<FunctionName, string> = { ...workflowTasks, ...entryPoints };

/** The parts a function's grants imply: one per resource it may touch. */
function partsGranted(p: Permissions): PartName[] {
  const granted: [unknown, PartName][] = [
    [p.table || p.queryGsi1 || p.queryGsi2, 'store'],
    [p.idempotency, 'idempotency'],
    [p.email, 'mailer'],
    [p.workflows, 'workflow'],
    [p.uploads, 'uploads'],
    [p.certificates, 'certificates'],
    [p.alerts, 'alerts'],
    [p.milestones, 'milestones'],
  ];
  return granted.filter(([needed]) => needed).map(([, part]) => part);
}

const env = {
  TABLE_NAME: 'Accreditation',
  IDEMPOTENCY_TABLE_NAME: 'Idempotency',
  EMAIL_FROM: 'no-reply@example.org',
  ADMIN_EMAIL: 'admin@example.org',
  FORMS_BASE_URL: 'https://forms.example.org/',
  AWS_REGION: 'eu-west-2',
};

describe('per-function composition', () => {
  it.each(Object.keys(entries) as FunctionName[])(
    '%s composes exactly the parts its permissions grant',
    async (name) => {
      await import(resolve(root, entries[name]));
      expect(compositions.get(name)?.toSorted()).toEqual(partsGranted(permissions[name]).toSorted());
    },
  );

  it('a handler composed without a part it touches fails naming the part, not with a TypeError', () => {
    const deps = compose([store], env, { name: 'AwaitChange' });
    expect(deps.store).toBeDefined();
    expect('mailer' in deps).toBe(false);
    expect(() => deps.mailer).toThrow('AwaitChange is not composed with mailer');
    // What only some functions are told stays absent, as before: the code asks whether it has it.
    expect(deps.alerts).toBeUndefined();
  });
});
