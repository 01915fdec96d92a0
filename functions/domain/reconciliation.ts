import { executionConsoleUrl, stateMachineConsoleUrl } from '../../events/lifecycle-stopped.js';
import type { Cohort } from './cohort.js';
import { FINAL_STAGES, type Participant, type Stage } from './participant.js';
import type { Programme } from './programme.js';
import { deadlineFor, position } from './progress.js';

/**
 * The daily reconciliation, decided: who should have a running execution, and what the programme team is
 * told about those who have none. Plain functions of what was read; functions/admin/reconcile.ts reads and
 * publishes.
 */

type ParticipantWorkflow = NonNullable<Participant['execution']>['workflow'];

/**
 * A participant still on their way needs an execution to carry them on: until their lifecycle reaches a
 * final stage, and as an accredited lead for as long as they stay accredited (their accredited years).
 */
export const expectsRunningExecution = (participant: Participant) =>
  !FINAL_STAGES.has(participant.stage) || participant.stage === 'accredited';

/** The state machine that should be carrying the participant on now. */
export const carryingWorkflow = (participant: Participant): ParticipantWorkflow =>
  participant.stage === 'accredited' ? 'AccreditedYears' : 'ParticipantLifecycle';

/** A participant nothing is carrying on: nothing goes out to them, and their answers move nothing. */
export interface NotMoving {
  participantId: string;
  cohortId: string;
  stage: Stage;
  workflow: ParticipantWorkflow;
  /** The execution the record names and what Step Functions says of it; absent if none was ever recorded. */
  execution?: { workflow: ParticipantWorkflow; name: string; status: string };
  /** The execution's page in the console, or its state machine's when it has none. */
  consoleUrl: string;
}

/**
 * Judges one participant from their record and the status of the execution it names (`found`, absent when
 * it names none): undefined while that execution runs. `NOT_STARTED` (never started, or closed too long
 * ago) counts as stopped.
 */
export function notMoving(
  participant: Participant,
  found: { executionArn: string; status: string } | undefined,
  stateMachineArns: Record<ParticipantWorkflow, string>,
): NotMoving | undefined {
  if (!expectsRunningExecution(participant) || found?.status === 'RUNNING') return undefined;
  const workflow = carryingWorkflow(participant);
  const stateMachineArn = stateMachineArns[workflow];
  const region = stateMachineArn.split(':')[3] ?? '';
  return {
    participantId: participant.participantId,
    cohortId: participant.cohortId,
    stage: participant.stage,
    workflow,
    ...(participant.execution && found && { execution: { ...participant.execution, status: found.status } }),
    // An execution Step Functions does not know has no page: its state machine's lists what there is.
    consoleUrl:
      found && found.status !== 'NOT_STARTED'
        ? executionConsoleUrl(region, found.executionArn)
        : stateMachineConsoleUrl(region, stateMachineArn),
  };
}

/** SNS takes messages of up to 256 KB. */
export const MAX_MESSAGE_BYTES = 262_144;

const resumeCommand = '{"command":"resume-participant","participantId":"<participant id>"}';

/**
 * What the admin's topic is sent about the participants nothing carries on: one message, or as many as
 * SNS's size limit needs, each listing whole entries. Ids, stages and statuses only: no personal data.
 * Nothing when everyone is moving.
 */
export function reconciliationAlerts(
  participants: NotMoving[],
  maxBytes = MAX_MESSAGE_BYTES,
): { subject: string; message: string }[] {
  if (participants.length === 0) return [];
  const count = participants.length === 1 ? '1 participant' : `${participants.length} participants`;
  const header = [
    `The daily check found ${count} with no running execution: nothing goes out to them, and nothing they answer moves them on, until it is resumed.`,
    '',
    'Resume each with the admin command resume-participant (safe to repeat); it carries on from their record:',
    `  ${resumeCommand}`,
    '',
    '',
  ].join('\n');
  const ordered = [...participants].sort(
    (a, b) => a.cohortId.localeCompare(b.cohortId) || a.participantId.localeCompare(b.participantId),
  );
  const parts: string[][] = [[]];
  let bytes = Buffer.byteLength(header);
  for (const entry of ordered.map(describe)) {
    const size = Buffer.byteLength(entry);
    const current = parts.at(-1) as string[];
    if (current.length > 0 && bytes + size > maxBytes) {
      parts.push([entry]);
      bytes = Buffer.byteLength(header) + size;
    } else {
      current.push(entry);
      bytes += size;
    }
  }
  const subject = `PD accreditation: ${count} not moving`;
  return parts.map((entries, i) => ({
    subject: parts.length === 1 ? subject : `${subject} (part ${i + 1} of ${parts.length})`,
    message: header + entries.join(''),
  }));
}

function describe(p: NotMoving): string {
  const recorded = p.execution
    ? `${p.execution.name} (${p.execution.workflow}), status ${p.execution.status}`
    : 'none recorded: never started';
  return [
    `- ${p.participantId}, cohort ${p.cohortId}, stage ${p.stage}: no running ${p.workflow} execution`,
    `  Execution: ${recorded}`,
    `  ${p.consoleUrl}`,
    '',
    '',
  ].join('\n');
}

/**
 * A participant on the programme whose work is past its deadline (their own, with any extension): their
 * task or framework is not in, and only the admin can move them on (an extension or a withdrawal).
 */
export function hasOverdueSubmission(
  participant: Participant,
  cohort: Cohort,
  programme: Programme,
  now: Date,
): boolean {
  if (FINAL_STAGES.has(participant.stage)) return false;
  const where = position(programme, participant);
  if (!('at' in where)) return false;
  const { at: step } = where;
  return (
    (step.kind === 'task' || step.kind === 'framework-submission') &&
    deadlineFor(step, cohort, participant, programme) < now
  );
}
