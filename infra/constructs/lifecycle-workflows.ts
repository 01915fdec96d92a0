import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowTaskName } from '../../functions/catalog.js';
import {
  handsOver,
  tasksOf,
  type WorkflowName,
  workflowFiles,
  workflowSubstitutions,
} from '../../workflows/definitions.js';
import type { AdminAlerts } from './admin-alerts.js';

/**
 * A state machine's ARN built from its name (each is named after its workflow), for policies that cannot
 * reference the state machine without a dependency cycle: its own role, the other machine's role, and
 * functions it calls that also wake it.
 */
export const workflowArn = (scope: Construct, name: WorkflowName) =>
  Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: name,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });

/**
 * The state machines, each deployed from its ASL file unchanged: the participant lifecycle (commitment,
 * programme, accreditation), which starts the accredited years (termly feedback, re-registration, lapse) at
 * accreditation, and a cohort's invitations from its pathway's waiting list. An alarm and an email on every execution that stops unfinished.
 */
export class LifecycleWorkflows extends Construct {
  readonly stateMachines: Record<WorkflowName, StateMachine>;

  constructor(
    scope: Construct,
    id: string,
    props: { tasks: Record<WorkflowTaskName, IFunction>; alerts: AdminAlerts },
  ) {
    super(scope, id);
    const substitutions = workflowSubstitutions(
      (name) => props.tasks[name].functionArn,
      workflowArn(this, 'AccreditedYears'),
    );
    const machine = (name: WorkflowName) => {
      const stateMachine = new StateMachine(this, name, {
        stateMachineName: name,
        stateMachineType: StateMachineType.STANDARD,
        definitionBody: DefinitionBody.fromFile(workflowFiles[name]),
        definitionSubstitutions: substitutions,
        tracingEnabled: true,
        logs: {
          destination: new LogGroup(this, `${name}Logs`, { retention: RetentionDays.ONE_YEAR }),
          level: LogLevel.ALL,
          // Execution data holds task tokens, names and addresses (in inputs and error causes): not for logs.
          includeExecutionData: false,
        },
      });
      // Each state machine may invoke only the tasks its own ASL names.
      for (const task of tasksOf(name)) props.tasks[task].grantInvoke(stateMachine);
      // A year-old execution hands over to a new one of the same state machine (ContinueInNewExecution).
      // By name: a reference to its own ARN in its own role's policy would be a circular dependency.
      if (handsOver(name))
        stateMachine.addToRolePolicy(
          new PolicyStatement({ actions: ['states:StartExecution'], resources: [workflowArn(this, name)] }),
        );
      const period = Duration.minutes(5);
      const stopped = `A ${name} execution stopped`;
      props.alerts.alarmOnAny(`${name}Failed`, stateMachine.metricFailed({ period }), `${stopped} (failed).`);
      props.alerts.alarmOnAny(
        `${name}TimedOut`,
        stateMachine.metricTimedOut({ period }),
        `${stopped} (timed out).`,
      );
      return stateMachine;
    };
    this.stateMachines = {
      AccreditedYears: machine('AccreditedYears'),
      ParticipantLifecycle: machine('ParticipantLifecycle'),
      WaitingListInvitations: machine('WaitingListInvitations'),
    };
    // Accreditation hands the lead over to their accredited years (StartAccreditedYears).
    this.stateMachines.ParticipantLifecycle.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [workflowArn(this, 'AccreditedYears')],
      }),
    );
    props.alerts.tellWhenLifecycleStops(Object.values(this.stateMachines));
  }
}
