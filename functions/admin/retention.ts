import * as z from 'zod';
import { dueForRetention } from '../domain/erasure.js';
import type { Participant } from '../domain/participant.js';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { certificates } from '../shared/parts/certificates.js';
import { idempotency } from '../shared/parts/idempotency.js';
import { store } from '../shared/parts/store.js';
import { uploads } from '../shared/parts/uploads.js';
import { workflow } from '../shared/parts/workflow.js';
import { defineTask } from '../shared/task-handler.js';
import { eraseParticipant } from './erase-person.js';

/** What a retention run found (ids only) and whether it anonymised them or only said it would. */
export interface RetentionRun {
  dryRun: boolean;
  retentionYears: number;
  /** Participants anonymised by this run, or with `dryRun` those it would anonymise. */
  participantIds: string[];
}

/**
 * The retention job: every participant whose programme ended (an accredited lead once their accreditation
 * lapsed or was withdrawn) and on whose record nothing has happened for RETENTION_YEARS years (6 unless
 * configured) is anonymised as `erase-person` does it. Every cohort is read by Query (no Scan). Safe to
 * run again: an anonymised record is never due, and a run that stopped part-way is finished by the next.
 */
export async function runRetention(
  { dryRun }: { dryRun: boolean },
  deps: Dependencies,
): Promise<RetentionRun> {
  const { store, clock, settings } = deps;
  const retentionYears = settings.RETENTION_YEARS;
  const due: Participant[] = [];
  for (const cohort of await store.cohorts.list())
    for (const participant of await store.participants.inCohort(cohort.cohortId))
      if (dueForRetention(participant, retentionYears, clock.now())) due.push(participant);
  if (!dryRun) for (const participant of due) await eraseParticipant(participant, deps);
  return { dryRun, retentionYears, participantIds: due.map((p) => p.participantId) };
}

/** Run by its EventBridge Scheduler schedule (infra/constructs/retention.ts) with `{}`. */
export const Retention = defineTask({
  name: 'Retention',
  input: z.object({ dryRun: z.boolean().default(false) }),
  run: runRetention,
});
export const handler = Retention.handler(
  composedFor('Retention', store, idempotency, workflow, uploads, certificates),
);
