/**
 * How the table's stream reaches the PublishMilestones function, shared by the CDK event source mapping
 * (infra/constructs/milestone-publishing.ts) and the local runtime's stream (infra/local/table-stream.ts).
 */
export const milestoneStream = {
  /** Only changes to participant records reach the function (the event source's filter on the key). */
  participantKeyPrefix: 'PARTICIPANT#',
  batchSize: 10,
  /** Retries of a failing record before it goes to the dead-letter queue. */
  retryAttempts: 10,
} as const;
