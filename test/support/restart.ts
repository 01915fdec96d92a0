import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { LocalSystem } from '../../infra/local/system.js';
import { startSystem } from './local-system.js';

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
export const startDurableSystem = (dirs: SystemDirs) => startSystem({ ...dirs, retryIntervalMs: 0 });

/** Stops the system and starts it again on the same folders, as a crash and a restart would. */
export async function restartLocalSystem(system: LocalSystem, dirs: SystemDirs): Promise<LocalSystem> {
  await system.stop();
  return startDurableSystem(dirs);
}
