import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type ExecutionStatus,
  InvalidToken,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { Participant } from '../domain/participant.js';

type Started = Promise<{ executionArn: string; alreadyStarted: boolean }>;

/** The state machine of a participant's execution, as `participant.execution` names it. */
type ParticipantWorkflow = NonNullable<Participant['execution']>['workflow'];
/** Step Functions' status of an execution, or NOT_FOUND: never started, or closed over 90 days ago. */
export type ExecutionState = { executionArn: string; status: ExecutionStatus | 'NOT_FOUND' };

/** What handlers need from Step Functions. */
export interface Workflow {
  /** Starts a participant's lifecycle; the name makes a repeated start land on the same execution. */
  startLifecycle(executionName: string, input: object): Started;
  /** Starts an accredited lead's accredited years (a reinstated lead's), idempotent by name likewise. */
  startAccreditedYears(executionName: string, input: object): Started;
  /**
   * Hands an answer to the waiting execution. 'gone' when the wait already ended: the answer is
   * recorded in the table, so the execution picks it up when it next checks.
   */
  completeTask(taskToken: string, output: object): Promise<'completed' | 'gone'>;
  /** Where a participant's execution is (DescribeExecution by the name the record keeps). */
  describeExecution(workflow: ParticipantWorkflow, executionName: string): Promise<ExecutionState>;
}

export function stepFunctionsWorkflow(
  sfn: SFNClient,
  stateMachineArns: { lifecycle: string; accreditedYears: string },
): Workflow {
  const arnOf = (stateMachineArn: string, executionName: string) =>
    `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
  const start = async (stateMachineArn: string, executionName: string, input: object): Started => {
    try {
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }),
      );
      return { executionArn: executionArn ?? '', alreadyStarted: false };
    } catch (error) {
      // Step Functions keeps names unique; an execution of this name has run or is running.
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
      return { executionArn: arnOf(stateMachineArn, executionName), alreadyStarted: true };
    }
  };
  return {
    startLifecycle: (executionName, input) => start(stateMachineArns.lifecycle, executionName, input),
    startAccreditedYears: (executionName, input) =>
      start(stateMachineArns.accreditedYears, executionName, input),
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
    async describeExecution(workflow, executionName) {
      const stateMachineArn =
        workflow === 'AccreditedYears' ? stateMachineArns.accreditedYears : stateMachineArns.lifecycle;
      const executionArn = arnOf(stateMachineArn, executionName);
      try {
        const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return { executionArn, status: status ?? 'NOT_FOUND' };
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) return { executionArn, status: 'NOT_FOUND' };
        throw error;
      }
    },
  };
}
