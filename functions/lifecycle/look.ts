import * as z from 'zod';
import type { AccreditationStore, Look } from '../data/store.js';
import type { ExecutionFacts } from './execution.js';

/**
 * The ids of the asks a look expects the next look of its execution to chase, carried to it in the
 * execution's state so that it reads them with the record in one call. Ids only: the state stays small.
 */
export const AsksToRead = z.array(z.string().min(1));

/**
 * The last look's decision as the execution's state holds it when the next look is reached (the
 * workflow passes that look its whole state): absent at an execution's first look, and from executions
 * started before looks carried their asks.
 */
export const LastLook = z.object({ progress: z.object({ asksToRead: AsksToRead.optional() }) });

/**
 * The asks a look was handed: by the last look of its execution, or at an execution's first look by the
 * execution it took over from, in its input.
 */
export const asksHanded = (lastLook: z.infer<typeof LastLook> | undefined, execution: ExecutionFacts) =>
  lastLook?.progress.asksToRead ?? execution.input.asksToRead;

/**
 * A look completed with what the record shows it needs but it did not read: asks the last look did not
 * foresee (an answer moved them on, an admin command changed the record) and the cohort, if the look did
 * not read that one. The record is the truth, so these are read, in one more call, only when there are any.
 */
export async function lookFurther(
  look: Look,
  { cohortId, requestIds }: { cohortId?: string; requestIds: string[] },
  store: AccreditationStore,
): Promise<Look> {
  const missing = requestIds.filter((requestId) => !look.requests.has(requestId));
  const cohortMissing = cohortId !== undefined && look.cohort?.cohortId !== cohortId;
  if (!missing.length && !cohortMissing) return look;
  const further = await store.look({ cohortId: cohortMissing ? cohortId : undefined, requestIds: missing });
  return {
    participant: look.participant,
    cohort: cohortMissing ? further.cohort : look.cohort,
    requests: new Map([...look.requests, ...further.requests]),
  };
}
