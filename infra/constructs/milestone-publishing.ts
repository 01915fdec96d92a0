import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MILESTONE_BUS_NAME, milestonePattern } from '../../events/milestones.js';
import { milestoneStream } from '../milestone-stream.js';
import type { AdminAlerts } from './admin-alerts.js';
import type { ConfigurableFunction } from './lifecycle-functions.js';

/** A Maths Hub's own event bus, to which the milestones of its cohorts are forwarded. */
export interface MilestoneSubscriber {
  mathsHub: string;
  eventBusArn: string;
}

export interface MilestonePublishingProps {
  /** PublishMilestones. */
  fn: ConfigurableFunction;
  /** The accreditation table, with its stream. */
  table: ITable;
  alerts: AdminAlerts;
  subscribers?: MilestoneSubscriber[];
}

/**
 * The milestone bus (events/milestones.ts) and what feeds it: the table's stream (new and old images)
 * invokes PublishMilestones with changes to participant records only (a filter on the key), in order,
 * reporting the first record it could not publish so the batch is retried from there; a batch that still
 * fails is halved, retried, and after its retries sent to a dead-letter queue that alarms the admin.
 * The function may read the stream and send to its dead-letter queue (the event source's grants); what its
 * code calls (a cohort's Maths Hub from the table, PutEvents on this bus) is its line in functions/permissions.ts. Milestones are archived for a year, so a subscriber who
 * comes later can replay them; a Maths Hub with an event bus of its own gets its cohorts' forwarded.
 */
export class MilestonePublishing extends Construct {
  readonly bus: EventBus;
  /** Stream batches PublishMilestones could not publish after their retries (their shard and sequence numbers). */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: MilestonePublishingProps) {
    super(scope, id);
    const { fn, table, alerts } = props;
    this.bus = new EventBus(this, 'Bus', { eventBusName: MILESTONE_BUS_NAME });
    fn.addEnvironment('MILESTONE_BUS_NAME', this.bus.eventBusName);

    this.deadLetters = alerts.deadLetterQueue(
      this,
      'MilestonesNotPublished',
      'Milestones of participant records could not be published: look at the dead-letter queue of PublishMilestones.',
    );
    fn.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: milestoneStream.batchSize,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: milestoneStream.retryAttempts,
        // The stream keeps records for a day.
        maxRecordAge: Duration.days(1),
        onFailure: new SqsDlq(this.deadLetters),
        filters: [
          FilterCriteria.filter({
            dynamodb: { Keys: { PK: { S: FilterRule.beginsWith(milestoneStream.participantKeyPrefix) } } },
          }),
        ],
      }),
    );

    this.bus.archive('Archive', {
      description: 'Every milestone for a year, to replay to a subscriber that joins later.',
      eventPattern: milestonePattern(),
      retention: Duration.days(365),
    });
    for (const [index, { mathsHub, eventBusArn }] of (props.subscribers ?? []).entries())
      new Rule(this, `ForwardToSubscriber${index + 1}`, {
        eventBus: this.bus,
        description: `The milestones of ${mathsHub}'s cohorts, to its own event bus.`,
        eventPattern: milestonePattern(undefined, { mathsHub: [mathsHub] }),
        targets: [new EventBusTarget(EventBus.fromEventBusArn(this, `Subscriber${index + 1}`, eventBusArn))],
      });
  }
}
