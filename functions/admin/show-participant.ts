import { executionConsoleUrl } from '../../events/lifecycle-stopped.js';
import type { Participant, StepOutcome } from '../domain/participant.js';
import { addressedTo, dueBy, type Request } from '../domain/request.js';
import { currentExecution, enrolmentExecution } from '../lifecycle/execution.js';
import type { Dependencies } from '../shared/dependencies.js';
import { executionArnOf, type NamedExecution } from '../shared/workflow.js';
import { AdminCommandRejected, type Command } from './command.js';

/** One thing that happened to the participant, when. */
export interface HistoryEntry {
  at: string;
  what: string;
}

/** One ask made about the participant: of whom, for what, how it stands. No link secrets or task tokens. */
export interface AskSummary {
  requestId: string;
  kind: Request['kind'];
  stepId?: string;
  of: (typeof addressedTo)[Request['kind']];
  status: Request['status'];
  askedAt: string;
  dueBy: string;
  invitedAt?: string;
  remindersSent: number;
  answeredAt?: string;
}

export interface ExecutionSummary extends NamedExecution {
  status: string;
  consoleUrl: string;
}

/** When a step's outcome was recorded. */
function outcomeAt(outcome: StepOutcome): string {
  switch (outcome.outcome) {
    case 'attended':
    case 'absent':
      return outcome.recordedAt;
    case 'submitted':
      return outcome.submittedAt;
    case 'feedback-given':
      return outcome.givenAt;
    case 'accredited':
    case 'resubmit':
    case 'not-accredited':
      return outcome.decidedAt;
    case 'reported':
      return outcome.reportedAt;
    case 're-registered':
      return outcome.reRegisteredAt;
    case 'missed':
      return outcome.at;
  }
}

/** What happened to a participant, from their record and their asks, oldest first. */
export function participantHistory(participant: Participant, asks: Request[]): HistoryEntry[] {
  const entries: HistoryEntry[] = [
    { at: participant.enrolledAt, what: `enrolled in ${participant.cohortId}` },
  ];
  const add = (at: string | undefined, what: string) => at && entries.push({ at, what });
  for (const ask of asks) {
    const about = `${ask.kind}${ask.stepId ? ` (${ask.stepId})` : ''}`;
    add(ask.invitedAt, `emailed ${addressedTo[ask.kind]}: ${about}`);
    if (ask.remindersSent) add(ask.invitedAt, `${ask.remindersSent} reminder(s) since: ${about}`);
    add(ask.answer?.answeredAt, `answered: ${about}`);
    add(ask.overdueReportedAt, `admin told it is overdue: ${about}`);
  }
  if (participant.commitment)
    add(participant.commitment.answeredAt, `commitment ${participant.commitment.decision}`);
  for (const [stepId, outcome] of Object.entries(participant.progress)) {
    add(outcomeAt(outcome), `${stepId}: ${outcome.outcome}`);
  }
  for (const [outcome, at] of Object.entries(participant.notified)) add(at, `emailed: ${outcome}`);
  for (const deferral of participant.deferrals) add(deferral.at, `deferred from ${deferral.fromCohortId}`);
  add(participant.withdrawal?.at, 'withdrawn');
  add(participant.accreditation?.accreditedAt, 'accredited');
  for (const reinstatement of participant.reinstatements) {
    add(reinstatement.lapse.at, 'accreditation lapsed');
    add(reinstatement.at, 'accreditation reinstated');
  }
  add(participant.lapse?.at, 'accreditation lapsed');
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}

const askSummary = (ask: Request): AskSummary => ({
  requestId: ask.requestId,
  kind: ask.kind,
  ...(ask.stepId && { stepId: ask.stepId }),
  of: addressedTo[ask.kind],
  status: ask.status,
  askedAt: ask.createdAt,
  dueBy: dueBy(ask).toISOString(),
  ...(ask.invitedAt && { invitedAt: ask.invitedAt }),
  remindersSent: ask.remindersSent,
  ...(ask.answer && { answeredAt: ask.answer.answeredAt }),
});

/** The participant's first execution and the one that carries them on now, as Step Functions sees them. */
async function executionsOf(participant: Participant, { workflow, settings }: Dependencies) {
  const stateMachineArns = {
    ParticipantLifecycle: settings.STATE_MACHINE_ARN,
    AccreditedYears: settings.ACCREDITED_YEARS_STATE_MACHINE_ARN,
  };
  const first = enrolmentExecution(participant.participantId);
  const current = currentExecution(participant);
  const named = current.name === first.name ? [current] : [first, current];
  return Promise.all(
    named.map(async (execution): Promise<ExecutionSummary> => {
      const stateMachineArn = stateMachineArns[execution.workflow];
      const region = stateMachineArn.split(':')[3] ?? '';
      return {
        ...execution,
        status: await workflow.describeExecution(execution),
        consoleUrl: executionConsoleUrl(region, executionArnOf(stateMachineArn, execution.name)),
      };
    }),
  );
}

/** One participant's whole story: where they are, whom they wait on, what was asked and sent, their executions. */
export async function showParticipant(command: Command<'show-participant'>, deps: Dependencies) {
  const participant = await deps.store.participants.get(command.participantId);
  if (!participant) throw new AdminCommandRejected(`No participant "${command.participantId}"`);
  const asks = await deps.store.requests.ofParticipant(participant.participantId);
  // The wait's token goes to Step Functions only: never out of the table.
  const { waitToken: _token, ...record } = participant;
  return {
    command: 'show-participant' as const,
    participant: record,
    waitingOn: participant.waiting?.on,
    ...(participant.waiting?.nextDeadline && { nextDeadline: participant.waiting.nextDeadline }),
    history: participantHistory(participant, asks),
    asks: asks.map(askSummary).sort((a, b) => a.askedAt.localeCompare(b.askedAt)),
    executions: await executionsOf(participant, deps),
  };
}
