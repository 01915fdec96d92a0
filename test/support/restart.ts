import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { DAY } from '../../functions/domain/time.js';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.js';
import { createCohort, enrol } from './local-system.js';

/** Where a local system keeps what outlives it: its records and its uploaded files. */
export interface SystemDirs {
  dataDir: string;
  uploadsDir: string;
}

/** Fresh folders for a system that is to be restarted; `remove` deletes them. */
export function systemDirs(): SystemDirs & { remove(): void } {
  const root = mkdtempSync(resolve(tmpdir(), 'pd-accreditation-restart-'));
  return {
    dataDir: resolve(root, 'dynamodb'),
    uploadsDir: resolve(root, 's3'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The whole local system on folders that outlive it, with retries that do not pause. */
export const startDurableSystem = (dirs: SystemDirs) => startLocalSystem({ ...dirs, retryIntervalMs: 0 });

/** Stops the system and starts it again on the same folders, as a crash and a restart would. */
export async function restartLocalSystem(system: LocalSystem, dirs: SystemDirs): Promise<LocalSystem> {
  await system.stop();
  return startDurableSystem(dirs);
}

/**
 * Whether a restart revives every running execution under its name and keeps the clock. Tried on a
 * throwaway system: one enrolment waiting for its senior leader, a day on, then a restart. Until the
 * local runtime revives executions a restart loses every wait, so a scenario leaves the restart out.
 */
export async function restartRevivesExecutions(): Promise<boolean> {
  const dirs = systemDirs();
  let system = await startDurableSystem(dirs);
  try {
    await createCohort(system);
    const { executionArn } = await enrol(system, { email: 'restart-probe@school.test' });
    await system.stepFunctions.settled();
    system.clock.advance(DAY);
    const before = system.clock.now().getTime();
    system = await restartLocalSystem(system, dirs);
    await system.stepFunctions.settled();
    const revived = system.stepFunctions.listExecutions().find((e) => e.executionArn === executionArn);
    return revived?.status === 'RUNNING' && system.clock.now().getTime() >= before;
  } finally {
    await system.stop();
    dirs.remove();
  }
}
