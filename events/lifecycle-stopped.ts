/**
 * "A participant's lifecycle (or accredited years) stopped without finishing": Step Functions emits this on the default event
 * bus for every execution that fails, times out or is aborted. The programme team hears about it with the
 * participant's execution name and a console link, whatever stopped it (the workflow's own failure
 * email only covers errors it caught).
 */
export const STOPPED_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export function lifecycleStoppedPattern(stateMachineArns: string[]) {
  return {
    source: ['aws.states'],
    detailType: ['Step Functions Execution Status Change'],
    detail: { status: [...STOPPED_STATUSES], stateMachineArn: stateMachineArns },
  };
}

/** The execution's page in the Step Functions console, where an admin sees the stage it stopped at. */
export const executionConsoleUrl = (region: string, executionArn: string) =>
  `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;

/** A state machine's page in the console: its executions, for a participant who has none to open. */
export const stateMachineConsoleUrl = (region: string, stateMachineArn: string) =>
  `https://${region}.console.aws.amazon.com/states/home?region=${region}#/statemachines/view/${stateMachineArn}`;
