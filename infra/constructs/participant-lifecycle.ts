import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowTaskName } from '../../functions/catalog.js';
import { taskSubstitutions, workflowFiles } from '../../workflows/definitions.js';
import type { AdminAlerts } from './admin-alerts.js';

export const LIFECYCLE_NAME = 'ParticipantLifecycle';

/**
 * The lifecycle's ARN built from its name, for policies that cannot reference the state machine without a
 * dependency cycle (its own role; functions it calls that also wake it).
 */
export const lifecycleArn = (scope: Construct) =>
  Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: LIFECYCLE_NAME,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });

/** The lifecycle state machine, deployed from its ASL file unchanged, with an alarm on every failure. */
export class ParticipantLifecycle extends Construct {
  readonly stateMachine: StateMachine;

  constructor(
    scope: Construct,
    id: string,
    props: { tasks: Record<WorkflowTaskName, IFunction>; alerts: AdminAlerts },
  ) {
    super(scope, id);
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: LIFECYCLE_NAME,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(workflowFiles.ParticipantLifecycle),
      definitionSubstitutions: taskSubstitutions((name) => props.tasks[name].functionArn),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'ExecutionLogs', { retention: RetentionDays.ONE_YEAR }),
        level: LogLevel.ALL,
        includeExecutionData: true,
      },
    });
    for (const fn of Object.values(props.tasks)) fn.grantInvoke(this.stateMachine);
    // A year-old execution hands over to a new one of the same state machine (ContinueInNewExecution).
    // By name: a reference to its own ARN in its own role's policy would be a circular dependency.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [lifecycleArn(this)],
      }),
    );

    const stopped = "A participant's lifecycle execution stopped";
    const period = Duration.minutes(5);
    props.alerts.alarmOnAny(
      'ExecutionsFailed',
      this.stateMachine.metricFailed({ period }),
      `${stopped} (failed).`,
    );
    props.alerts.alarmOnAny(
      'ExecutionsTimedOut',
      this.stateMachine.metricTimedOut({ period }),
      `${stopped} (timed out).`,
    );
    props.alerts.tellWhenLifecycleStops(this.stateMachine);
  }
}
