import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';

/** What handlers need from Step Functions. */
export interface Workflow {
  /** Starts a participant's lifecycle; the name makes a repeated start land on the same execution. */
  startLifecycle(
    executionName: string,
    input: object,
  ): Promise<{ executionArn: string; alreadyStarted: boolean }>;
  /**
   * Hands an answer to the waiting execution. 'gone' when the wait already ended: the answer is
   * recorded in the table, so the execution picks it up when it next checks.
   */
  completeTask(taskToken: string, output: object): Promise<'completed' | 'gone'>;
}

export function stepFunctionsWorkflow(sfn: SFNClient, stateMachineArn: string): Workflow {
  return {
    async startLifecycle(executionName, input) {
      try {
        const { executionArn } = await sfn.send(
          new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }),
        );
        return { executionArn: executionArn ?? '', alreadyStarted: false };
      } catch (error) {
        // Step Functions keeps names unique; an execution of this name has run or is running.
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
        const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
        return { executionArn, alreadyStarted: true };
      }
    },
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
  };
}
