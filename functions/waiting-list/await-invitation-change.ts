import * as z from 'zod';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { store } from '../shared/parts/store.js';
import { workflow } from '../shared/parts/workflow.js';
import { defineTask } from '../shared/task-handler.js';

/**
 * Parks the cohort's invitations until an answer comes, someone joins the list, or a deadline falls due.
 * The token is kept only if nothing changed since AdvanceInvitations read the revision; otherwise the
 * execution looks again at once, so no answer or newcomer is missed.
 */
export async function awaitInvitationChange(
  { cohortId, revision, taskToken }: { cohortId: string; revision: number; taskToken: string },
  { store, workflow }: Dependencies,
): Promise<{ waiting: boolean }> {
  if (await store.cohortInvitations.saveWaitToken(cohortId, taskToken, revision)) return { waiting: true };
  await workflow.completeTask(taskToken, { changed: true });
  return { waiting: false };
}

export const AwaitInvitationChange = defineTask({
  name: 'AwaitInvitationChange',
  input: z.object({
    cohortId: z.string().min(1),
    revision: z.number().int().nonnegative(),
    taskToken: z.string().min(1),
  }),
  run: awaitInvitationChange,
});
export const handler = AwaitInvitationChange.handler(composedFor('AwaitInvitationChange', store, workflow));
