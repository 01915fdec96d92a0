import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowTaskName } from '../../functions/catalog.js';
import { taskSubstitutions, workflowFiles } from '../../workflows/definitions.js';

export const LIFECYCLE_NAME = 'ParticipantLifecycle';

/** The lifecycle state machine, deployed from its ASL file unchanged, with an alarm on every failure. */
export class ParticipantLifecycle extends Construct {
  readonly stateMachine: StateMachine;

  constructor(
    scope: Construct,
    id: string,
    props: { tasks: Record<WorkflowTaskName, IFunction>; alarmTopic: ITopic },
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

    const alarm = (name: string, metric: ReturnType<StateMachine['metricFailed']>) =>
      new Alarm(this, name, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `A participant's lifecycle execution stopped (${name}): see the Step Functions console.`,
      }).addAlarmAction(new SnsAction(props.alarmTopic));
    alarm('ExecutionsFailed', this.stateMachine.metricFailed({ period: Duration.minutes(5) }));
    alarm('ExecutionsTimedOut', this.stateMachine.metricTimedOut({ period: Duration.minutes(5) }));
  }
}
