import * as z from 'zod';
import { composeEmail } from '../email/message.js';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { idempotency } from '../shared/parts/idempotency.js';
import { mailer } from '../shared/parts/mailer.js';
import { store } from '../shared/parts/store.js';
import { defineTask } from '../shared/task-handler.js';
import { currentExecution } from './execution.js';
import { recordWaiting } from './record-waiting.js';

const Input = z.object({
  /** Whose lifecycle stopped; or, for a cohort's invitations from its waiting list, the cohort. */
  participantId: z.string().min(1).optional(),
  cohortId: z.string().min(1).optional(),
  executionName: z.string().min(1),
  error: z.object({ Error: z.string(), Cause: z.string().optional() }),
});

/** The last resort of every step's Catch: a person hears about it, with what they need to act. */
export async function reportLifecycleFailure(
  { participantId, cohortId, executionName, error }: z.output<typeof Input>,
  deps: Dependencies,
): Promise<{ reported: true }> {
  const { store, mailer, settings, clock } = deps;
  const participant = participantId ? await store.participants.get(participantId) : undefined;
  const who = participant ? `${participant.person.name} (${participant.cohortId})` : participantId;
  const what = who
    ? `the lifecycle of ${who}`
    : `the invitations to cohort ${cohortId} from its waiting list`;
  await mailer.send(
    composeEmail({
      to: settings.ADMIN_EMAIL,
      subject: `Action needed: ${what} stopped`,
      greeting: 'Hello programme team,',
      paragraphs: [
        `A step in ${what} failed after its retries (${error.Error}). Execution: ${executionName}.`,
        `Details: ${(error.Cause ?? 'none').slice(0, 500)}`,
        'Fix the cause, then redrive the execution from the Step Functions console; steps already done are skipped.',
      ],
    }),
    `${executionName}#failure`,
  );
  // Nothing moves them on until the admin mends the cause and resumes them: needed at once. Only the
  // execution that carries them on says whom they wait on: a stray one failing (started for someone it
  // was not for) leaves their own lifecycle's wait as it is.
  const now = clock.now().toISOString();
  if (participant && currentExecution(participant).name === executionName)
    await recordWaiting(
      participant,
      { on: 'admin', stage: participant.stage, what: 'lifecycle-failed', since: now, nextDeadline: now },
      deps,
    );
  return { reported: true };
}

export const ReportLifecycleFailure = defineTask({
  name: 'ReportLifecycleFailure',
  input: Input,
  run: reportLifecycleFailure,
});
export const handler = ReportLifecycleFailure.handler(
  composedFor('ReportLifecycleFailure', store, idempotency, mailer),
);
