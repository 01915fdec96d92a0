import * as z from 'zod';
import { Waiting } from '../domain/participant.js';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { store } from '../shared/parts/store.js';
import { workflow } from '../shared/parts/workflow.js';
import { defineTask } from '../shared/task-handler.js';

/** Whom the participant waits on, as a step decided it, with their cohort's Maths Hub (the status index's key). */
export const WaitingToRecord = z.object({ waiting: Waiting, mathsHub: z.string() });
export type WaitingToRecord = z.infer<typeof WaitingToRecord>;

/**
 * Parks the execution until something changes for the participant or the next thing falls due. The
 * token goes on the participant record only if it is unchanged since the step that decided to wait read it; if an
 * answer, extension or date change slipped in between, the execution is handed straight back to look
 * again, so no change is ever missed. Whom they now wait on, if the step found it changed, goes in the
 * same write (the next look records it if this one is sent back).
 */
export async function awaitChange(
  {
    participantId,
    revision,
    taskToken,
    waiting,
  }: { participantId: string; revision: number; taskToken: string; waiting?: WaitingToRecord | null },
  { store, workflow }: Dependencies,
): Promise<{ waiting: boolean }> {
  if (await store.participants.saveWaitToken(participantId, taskToken, revision, waiting ?? undefined))
    return { waiting: true };
  await workflow.completeTask(taskToken, { changed: true });
  return { waiting: false };
}

export const AwaitChange = defineTask({
  name: 'AwaitChange',
  input: z.object({
    participantId: z.string().min(1),
    revision: z.number().int().nonnegative(),
    taskToken: z.string().min(1),
    /** Null when the record already says whom they wait on (absent from executions started before it was passed). */
    waiting: WaitingToRecord.nullish(),
  }),
  run: awaitChange,
});
export const handler = AwaitChange.handler(composedFor('AwaitChange', store, workflow));
