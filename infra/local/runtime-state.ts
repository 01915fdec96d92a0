import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Email, getStoreReadonly } from 'aws-ses-v2-local/dist/store.js';
import type { ControllableClock } from './clock.js';
import type { LocalStepFunctions, StoredExecution } from './step-functions.js';

/**
 * What the local system keeps besides DynamoDB and S3, so `npm start` is as durable as AWS: the
 * controllable clock, the local mailbox (aws-ses-v2-local holds it in memory) and the executions. Each is
 * a JSON file in `<dataDir>/runtime/`, written atomically (a temporary file, then a rename) when it has
 * changed, at most every `SAVE_EVERY_MS`, and once more on stop.
 */

const SAVE_EVERY_MS = 250;
const files = { clock: 'clock.json', mailbox: 'mailbox.json', executions: 'executions.json' };

export interface SavedClock {
  offsetMs: number;
  now: string;
}

export interface RuntimeState {
  clock?: SavedClock;
  mailbox?: Email[];
  executions?: StoredExecution[];
}

export const runtimeDirectory = (dataDir: string) => resolve(dataDir, 'runtime');

export function readRuntimeState(directory: string): RuntimeState {
  const read = (file: string) => {
    const path = resolve(directory, file);
    return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
  };
  return { clock: read(files.clock), mailbox: read(files.mailbox), executions: read(files.executions) };
}

/** The clock never goes back: real time plus the saved offset, or the saved time if that was later. */
export const resumedClockOffset = (saved?: SavedClock) =>
  saved ? Math.max(saved.offsetMs, Date.parse(saved.now) - Date.now()) : 0;

/** Puts the saved emails back into aws-ses-v2-local's store, so its mailbox shows them again. */
export function restoreMailbox(emails: Email[] = []) {
  const store = getStoreReadonly().emails;
  for (const email of emails) store.push(email);
}

/** Saves the clock, the mailbox and the executions whenever they change, until `stopWatching`. */
export function keepRuntimeState(
  directory: string,
  clock: ControllableClock,
  stepFunctions: LocalStepFunctions,
) {
  mkdirSync(directory, { recursive: true });
  const write = (file: string, value: unknown) => {
    const path = resolve(directory, file);
    writeFileSync(`${path}.tmp`, JSON.stringify(value));
    renameSync(`${path}.tmp`, path);
  };
  const saved = { offset: Number.NaN, emails: getStoreReadonly().emails.length, changes: -1 };
  const saveClock = () => {
    saved.offset = clock.offset;
    write(files.clock, { offsetMs: clock.offset, now: clock.now().toISOString() } satisfies SavedClock);
  };
  const saveMailbox = () => {
    saved.emails = getStoreReadonly().emails.length;
    write(files.mailbox, getStoreReadonly().emails);
  };
  const saveExecutions = (executions: StoredExecution[]) => {
    saved.changes = stepFunctions.changeCount;
    write(files.executions, executions);
  };
  const timer = setInterval(() => {
    if (clock.offset !== saved.offset) saveClock();
    if (getStoreReadonly().emails.length !== saved.emails) saveMailbox();
    if (stepFunctions.changeCount !== saved.changes) saveExecutions(stepFunctions.snapshot());
  }, SAVE_EVERY_MS);
  timer.unref();
  return {
    stopWatching: () => clearInterval(timer),
    /** The last save, on stop: `executions` as they were before the local system stopped them. */
    saveAll(executions: StoredExecution[]) {
      saveClock();
      saveMailbox();
      saveExecutions(executions);
    },
  };
}
