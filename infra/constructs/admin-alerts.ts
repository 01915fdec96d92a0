import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { emailUndeliverablePattern } from '../../events/email-undeliverable.js';
import { executionConsoleUrl, lifecycleStoppedPattern } from '../../events/lifecycle-stopped.js';

/**
 * Everything the programme team must hear about without watching a console: alarms on failing functions
 * and executions, and one message per stopped lifecycle or undeliverable email, all through one SNS topic
 * with the admin's email subscribed.
 */
export class AdminAlerts extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: { adminEmail: string }) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { enforceSSL: true, displayName: 'PD accreditation alerts' });
    this.topic.addSubscription(new EmailSubscription(props.adminEmail));
    // A topic with a policy (enforceSSL makes one) takes from services only what it allows: without this,
    // CloudWatch could not deliver a single alarm. Only this account's alarms, in this region.
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
          },
        },
      }),
    );
  }

  /** Alarms on the first occurrence: in this system one failure is one participant left waiting. */
  alarmOnAny(id: string, metric: IMetric, description: string) {
    new Alarm(this, id, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    }).addAlarmAction(new SnsAction(this.topic));
  }

  /** A dead-letter queue (`DeadLetters` in `scope`) whose first message raises the alarm `alarmId`. */
  deadLetterQueue(scope: Construct, alarmId: string, description: string): Queue {
    const queue = new Queue(scope, 'DeadLetters', {
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    this.alarmOnAny(
      alarmId,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      description,
    );
    return queue;
  }

  /** Names the participant's execution that stopped, and links to it in the console. */
  tellWhenLifecycleStops(stateMachines: IStateMachine[]) {
    const field = (path: string) => EventField.fromPath(`$.detail.${path}`);
    new Rule(this, 'LifecycleStopped', {
      description:
        "A participant's lifecycle or accredited-years execution failed, timed out or was aborted.",
      eventPattern: lifecycleStoppedPattern(stateMachines.map((m) => m.stateMachineArn)),
    }).addTarget(
      new SnsTopic(this.topic, {
        message: RuleTargetInput.fromText(
          `Lifecycle execution ${field('name')} stopped: ${field('status')}. ` +
            `Open it in the console: ${executionConsoleUrl(Stack.of(this).region, field('executionArn'))}`,
        ),
      }),
    );
  }

  /** Bounces and complaints for our configuration set, with who did not get what. */
  tellWhenEmailUndeliverable() {
    const field = (path: string) => EventField.fromPath(`$.detail.${path}`);
    new Rule(this, 'EmailUndeliverable', {
      description: 'An email to a participant or senior leader bounced or was marked as spam.',
      eventPattern: emailUndeliverablePattern,
    }).addTarget(
      new SnsTopic(this.topic, {
        message: RuleTargetInput.fromText(
          `${field('eventType')}: ${field('mail.commonHeaders.subject')}, to ${field('mail.destination')}, ` +
            'was not delivered. SES will not send to this address again: correct it with the admin command correct-email.',
        ),
      }),
    );
  }
}
