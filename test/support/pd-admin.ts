import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { LocalSystem } from '../../infra/local/system.js';

const root = resolve(import.meta.dirname, '../..');

/** `pd-admin` as its own process against `system`, as `npx pd-admin` runs it: its exit code and output. */
export const pdAdminProcess = (system: LocalSystem, args: string[]) =>
  promisify(execFile)(
    resolve(root, 'node_modules/.bin/tsx'),
    ['infra/cli/pd-admin.ts', '--url', system.urls.app, ...args],
    { cwd: root, maxBuffer: 10_000_000 },
  ).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
