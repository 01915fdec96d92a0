import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type ExecutionStatus,
  InvalidToken,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { Participant } from '../domain/participant.js';

/** An execution by state machine and name, as the participant record keeps it. */
export type NamedExecution = NonNullable<Participant['execution']>;

/** Any execution by state machine and name: a participant's, or a cohort's invitations from its waiting list. */
export type AnyExecution = NamedExecution | { workflow: 'WaitingListInvitations'; name: string };

/** What Step Functions says of an execution, or `NOT_STARTED` when there is none of that name. */
export type ExecutionState = ExecutionStatus | 'NOT_STARTED';

/** What handlers need from Step Functions. */
export interface Workflow {
  /** Starts an execution; the name makes a repeated start land on the same execution. */
  startExecution(
    execution: AnyExecution,
    input: object,
  ): Promise<{ executionArn: string; alreadyStarted: boolean }>;
  /** Whether the execution runs, has stopped (and how), or was never started. */
  describeExecution(execution: AnyExecution): Promise<ExecutionState>;
  /**
   * Hands an answer to the waiting execution. 'gone' when the wait already ended: the answer is
   * recorded in the table, so the execution picks it up when it next checks.
   */
  completeTask(taskToken: string, output: object): Promise<'completed' | 'gone'>;
  /**
   * Stops a running execution at once (ABORTED; no Catch runs): for a person whose data is erased, so
   * nothing more is done for them. False when it was not running (stopped already, or never started).
   */
  stopExecution(execution: NamedExecution): Promise<boolean>;
}

/** An execution's ARN, from its state machine's and its name, as Step Functions forms it. */
export const executionArnOf = (stateMachineArn: string, name: string) =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

export function stepFunctionsWorkflow(
  sfn: SFNClient,
  stateMachineArns: Record<AnyExecution['workflow'], string>,
): Workflow {
  const stateMachineArn = ({ workflow }: AnyExecution) => stateMachineArns[workflow];
  const executionArn = (execution: AnyExecution) =>
    executionArnOf(stateMachineArn(execution), execution.name);
  async function describeExecution(execution: NamedExecution): Promise<ExecutionState> {
    try {
      const { status } = await sfn.send(
        new DescribeExecutionCommand({ executionArn: executionArn(execution) }),
      );
      if (!status) throw new Error(`No status for ${execution.name}`);
      return status;
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return 'NOT_STARTED';
      throw error;
    }
  }
  return {
    async startExecution(execution, input) {
      try {
        const started = await sfn.send(
          new StartExecutionCommand({
            stateMachineArn: stateMachineArn(execution),
            name: execution.name,
            input: JSON.stringify(input),
          }),
        );
        return { executionArn: started.executionArn ?? '', alreadyStarted: false };
      } catch (error) {
        // Step Functions keeps names unique; an execution of this name has run or is running.
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
        return { executionArn: executionArn(execution), alreadyStarted: true };
      }
    },
    describeExecution,
    async completeTask(taskToken, output) {
      try {
        await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
        return 'completed';
      } catch (error) {
        if (
          error instanceof TaskDoesNotExist ||
          error instanceof TaskTimedOut ||
          error instanceof InvalidToken
        )
          return 'gone';
        throw error;
      }
    },
    async stopExecution(execution) {
      // Describe first: StopExecution of a stopped execution succeeds, and says nothing of whether it ran.
      if ((await describeExecution(execution)) !== 'RUNNING') return false;
      // The cause goes into the execution's history: no personal data, only why.
      await sfn.send(
        new StopExecutionCommand({ executionArn: executionArn(execution), cause: 'Personal data erased' }),
      );
      return true;
    },
  };
}
