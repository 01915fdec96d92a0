import { afterEach } from 'vitest';
import {
  type Breach,
  findBreaches,
  INVARIANTS,
  type SystemSnapshot,
} from '../../functions/admin/invariants.js';
import { collectSnapshot } from '../../infra/local/snapshot.js';
import type { LocalSystem } from '../../infra/local/system.js';

/** The whole-system invariants (functions/admin/invariants.ts), checked on a running local system. */

export interface InvariantChecks {
  /**
   * Participants a test wrote straight into the store to try a form, with no execution started for them:
   * nothing is expected to carry them on, so the first invariant does not apply to them (every other does).
   */
  seededWithoutExecution?: string[];
}

/**
 * The last check of each system: its snapshot, so the next check sees transitions made with nothing
 * changed, and what it reported, so a system shared by a file's tests fails only the test that broke it.
 */
const lastCheck = new WeakMap<LocalSystem, { snapshot: SystemSnapshot; reported: Set<string> }>();

export const describeBreach = (b: Breach) =>
  `- ${b.invariant}${b.participantId ? ` (${b.participantId})` : ''}: ${b.what}`;

/**
 * Collects a snapshot once nothing moves, checks it, and fails listing every breach (but those an earlier
 * check of this system already reported).
 */
export async function expectNoBreaches(system: LocalSystem, checks: InvariantChecks = {}) {
  const snapshot = await collectSnapshot(system);
  const last = lastCheck.get(system);
  const found = findBreaches(snapshot, last?.snapshot).filter(
    (b) =>
      !(b.invariant === 'waits-on-someone' && checks.seededWithoutExecution?.includes(b.participantId ?? '')),
  );
  lastCheck.set(system, { snapshot, reported: new Set(found.map(describeBreach)) });
  const breaches = found.filter((b) => !last?.reported.has(describeBreach(b)));
  if (breaches.length)
    throw new Error(
      `${breaches.length} breach${breaches.length === 1 ? '' : 'es'} of the whole-system invariants:\n${breaches
        .map((b) => `${describeBreach(b)}\n    (${INVARIANTS[b.invariant]})`)
        .join('\n')}`,
    );
}

/**
 * After each test, the invariants hold on `system()`: whatever a test leaves mid-flight is waiting on
 * someone. With `thenStop` (a system per test) it is stopped afterwards, whatever the check found. A test
 * that has already failed is not checked: its failure says more.
 */
export function checkInvariantsAfterEach(
  system: () => LocalSystem | undefined,
  { thenStop = false, ...checks }: InvariantChecks & { thenStop?: boolean } = {},
) {
  afterEach(async ({ task }) => {
    const running = system();
    try {
      if (running && !task.result?.errors?.length) await expectNoBreaches(running, checks);
    } finally {
      if (thenStop) await running?.stop();
    }
  });
}
