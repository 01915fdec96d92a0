import type { WaitingParticipant } from '../data/participants.js';
import { Stage, type WaitingOn } from '../domain/participant.js';
import { isOverdue } from '../domain/waiting.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command } from './command.js';

/** One participant, as `status` and the programme report list them: ids, names and dates, no addresses. */
export interface StatusRow {
  participantId: string;
  name: string;
  cohortId: string;
  stage: Stage;
  /** Absent until their lifecycle's first look records it. */
  waitingOn?: WaitingOn;
  what?: string;
  since?: string;
  nextDeadline?: string;
  overdue: boolean;
}

/** Soonest due first, nothing due last (ISO strings sort as they read). */
const byDeadline = (a: StatusRow, b: StatusRow) => {
  const [x, y] = [a.nextDeadline ?? '~', b.nextDeadline ?? '~'];
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Status rows, overdue first, then due soonest first (nothing due last), then by name. */
export function statusRows(participants: WaitingParticipant[], now: Date): StatusRow[] {
  return participants
    .map(
      ({ participantId, person, cohortId, stage, waiting }): StatusRow => ({
        participantId,
        name: person.name,
        cohortId,
        stage,
        ...(waiting && {
          waitingOn: waiting.on,
          what: waiting.what,
          since: waiting.since,
          ...(waiting.nextDeadline && { nextDeadline: waiting.nextDeadline }),
        }),
        overdue: isOverdue(waiting, now),
      }),
    )
    .sort(
      (a, b) => Number(b.overdue) - Number(a.overdue) || byDeadline(a, b) || a.name.localeCompare(b.name),
    );
}

/**
 * Who the system waits on, for a cohort (its participants, read one by one), or by stage and Maths Hub
 * (the status index, GSI2: one Query per stage asked about). Finished participants, whom nothing is
 * awaited for, are listed only when their stage is asked for.
 */
export async function status(
  command: Command<'status'>,
  { store, clock }: Dependencies,
): Promise<AdminResult> {
  const { cohortId, mathsHub, stage } = command;
  const now = clock.now();
  let found: WaitingParticipant[];
  if (cohortId) {
    const cohort = await store.cohorts.get(cohortId);
    if (!cohort) throw new AdminCommandRejected(`No cohort "${cohortId}"`);
    const inHub = mathsHub === undefined || cohort.mathsHub === mathsHub;
    found = inHub ? await store.participants.inCohort(cohortId) : [];
  } else {
    const stages = stage ? [stage] : Stage.options;
    found = (await Promise.all(stages.map((s) => store.participants.waitingAt(s, mathsHub)))).flat();
  }
  const listed = found.filter((p) => (stage ? p.stage === stage : p.waiting?.on !== 'nobody'));
  return { command: 'status', asOf: now.toISOString(), rows: statusRows(listed, now) };
}
