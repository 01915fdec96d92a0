import * as z from 'zod';
import { existingCommitment } from '../domain/commitment.js';
import { commitmentRequestId } from '../domain/request.js';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { store } from '../shared/parts/store.js';
import { workflow } from '../shared/parts/workflow.js';
import { defineTask } from '../shared/task-handler.js';

/**
 * Parks the execution until the senior leader answers. The task token is stored only on the request
 * item; the emailed link never carries it. If the answer arrived before we got here, we hand it
 * straight back so the execution never waits for an answer that already exists.
 */
export async function awaitCommitment(
  { participantId, taskToken }: { participantId: string; taskToken: string },
  { store, workflow }: Dependencies,
): Promise<{ waiting: boolean }> {
  const requestId = commitmentRequestId(participantId);
  if (await store.requests.saveTaskToken(requestId, taskToken)) return { waiting: true };
  const request = await store.requests.get(requestId);
  const participant = await store.participants.get(participantId);
  const answer = participant?.commitment ?? existingCommitment(request);
  const decision = answer?.decision ?? (request?.status === 'expired' ? 'expired' : undefined);
  if (!decision) throw new Error(`Request ${requestId} is neither open nor answered`);
  await workflow.completeTask(taskToken, { decision });
  return { waiting: false };
}

export const AwaitCommitment = defineTask({
  name: 'AwaitCommitment',
  input: z.object({ participantId: z.string().min(1), taskToken: z.string().min(1) }),
  run: awaitCommitment,
});
export const handler = AwaitCommitment.handler(composedFor('AwaitCommitment', store, workflow));
