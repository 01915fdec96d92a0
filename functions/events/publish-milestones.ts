import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod';
import { milestones } from '../domain/milestones.js';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { METRIC } from '../shared/metric-names.js';
import { aboutParticipant, logger, metrics, withoutPersonalData } from '../shared/observability.js';
import { milestones as milestoneBus } from '../shared/parts/milestones.js';
import { store } from '../shared/parts/store.js';
import { defineTask } from '../shared/task-handler.js';

/** A record's image as the stream marshals it, unmarshalled as the store's reads unmarshal it. */
const StreamImage = z.record(z.string(), z.unknown()).transform((image, ctx) => {
  try {
    return unmarshall(image as Record<string, AttributeValue>);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'Could not unmarshall an image in a DynamoDB stream record' });
    return z.NEVER;
  }
});

/**
 * What DynamoDB Streams hands the function: changes to participant records (the event source's filter), in
 * order; what is read of each is validated. Not Powertools' DynamoDBStreamSchema: it imports `{ z }`,
 * which keeps all of zod in the bundle.
 */
export const StreamBatch = z.object({
  Records: z.array(
    z.object({
      eventSource: z.literal('aws:dynamodb'),
      eventName: z.enum(['INSERT', 'MODIFY', 'REMOVE']),
      dynamodb: z.object({
        SequenceNumber: z.string(),
        ApproximateCreationDateTime: z.number().optional(),
        NewImage: StreamImage.optional(),
        OldImage: StreamImage.optional(),
      }),
    }),
  ),
});
type StreamBatch = z.output<typeof StreamBatch>;
type StreamChange = StreamBatch['Records'][number]['dynamodb'];

/** A batch's outcome as Lambda's event source mapping reads it (ReportBatchItemFailures). */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * Publishes the milestones each change to a participant record announces (functions/domain/milestones.ts)
 * to the milestone bus, record by record in stream order. A record that cannot be published is reported as
 * the batch's failure: the event source retries from it (so none after it is published out of order),
 * then sends what still fails to its dead-letter queue. A retried record may publish again what went out
 * the first time: subscribers de-duplicate on `milestoneId`. The record's image says which Maths Hub runs
 * its cohort, so nothing is read (only a record older than that copy has its cohort read).
 */
export async function publishMilestones(batch: StreamBatch, deps: Dependencies): Promise<BatchResponse> {
  const bus = deps.milestones;
  if (!bus) throw new Error('Publishing milestones needs the milestone bus (MILESTONE_BUS_NAME)');
  const hubs = new Map<string, string>();
  const mathsHubOf = async ({ cohortId, mathsHub }: { cohortId: string; mathsHub?: string | undefined }) => {
    if (mathsHub) return mathsHub;
    // A record enrolled before it kept its cohort's Maths Hub: the cohort says (once per batch).
    if (!hubs.has(cohortId)) {
      const cohort = await deps.store.cohorts.get(cohortId);
      if (!cohort) throw new Error(`Cohort ${cohortId} not found`);
      hubs.set(cohortId, cohort.mathsHub);
    }
    return hubs.get(cohortId) as string;
  };
  for (const record of batch.Records) {
    const change = record.dynamodb;
    try {
      await publishChange(change, deps, mathsHubOf);
    } catch (error) {
      logger.error('Milestones of a participant record not published', {
        sequenceNumber: change.SequenceNumber,
        error: withoutPersonalData(error),
      });
      return { batchItemFailures: [{ itemIdentifier: change.SequenceNumber }] };
    }
  }
  return { batchItemFailures: [] };
}

async function publishChange(
  change: StreamChange,
  { milestones: bus, clock }: Dependencies,
  mathsHubOf: (record: { cohortId: string; mathsHub?: string | undefined }) => Promise<string>,
) {
  const after = change.NewImage as
    | { participantId?: string; cohortId?: string; mathsHub?: string }
    | undefined;
  // Removed: a removal is no milestone.
  if (!after?.cohortId) return;
  aboutParticipant({ participantId: after.participantId });
  const changedAt = change.ApproximateCreationDateTime
    ? new Date(change.ApproximateCreationDateTime * 1000)
    : clock.now();
  const announced = milestones(change.OldImage, after, {
    mathsHub: await mathsHubOf({ ...after, cohortId: after.cohortId }),
    changedAt,
  });
  await bus?.publish(announced);
  if (announced.length) metrics.addMetric(METRIC.milestonesPublished, MetricUnit.Count, announced.length);
}

export const PublishMilestones = defineTask({
  name: 'PublishMilestones',
  input: StreamBatch,
  run: publishMilestones,
});
export const handler = PublishMilestones.handler(composedFor('PublishMilestones', store, milestoneBus));
