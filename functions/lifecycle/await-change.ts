import * as z from 'zod';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { store } from '../shared/parts/store.js';
import { workflow } from '../shared/parts/workflow.js';
import { defineTask } from '../shared/task-handler.js';

/**
 * Parks the execution until something changes for the participant or the next thing falls due. The
 * token goes on the participant record only if it is unchanged since the step that decided to wait read it; if an
 * answer, extension or date change slipped in between, the execution is handed straight back to look
 * again, so no change is ever missed.
 */
export async function awaitChange(
  { participantId, revision, taskToken }: { participantId: string; revision: number; taskToken: string },
  { store, workflow }: Dependencies,
): Promise<{ waiting: boolean }> {
  if (await store.participants.saveWaitToken(participantId, taskToken, revision)) return { waiting: true };
  await workflow.completeTask(taskToken, { changed: true });
  return { waiting: false };
}

export const AwaitChange = defineTask({
  name: 'AwaitChange',
  input: z.object({
    participantId: z.string().min(1),
    revision: z.number().int().nonnegative(),
    taskToken: z.string().min(1),
  }),
  run: awaitChange,
});
export const handler = AwaitChange.handler(composedFor('AwaitChange', store, workflow));
