import type { entryPoints, workflowTasks } from './catalog.js';

export type FunctionName = keyof typeof workflowTasks | keyof typeof entryPoints;

type S3Action = 'GetObject' | 'PutObject' | 'DeleteObject' | 'ListBucket';
type IdempotencyAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem';

/** What a function's code calls on AWS, by resource. CDK grants exactly this and nothing more. */
export interface Permissions {
  /**
   * On the Accreditation table's items. Never Scan: every read is by key (one, or several at once with
   * BatchGetItem) or by index; never a batch write (it cannot be conditional).
   */
  table?: ('GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query')[];
  /** Query on the table's GSI1: every cohort, a cohort's participants, a participant's requests, the directory. */
  queryGsi1?: true;
  /** Query on the table's GSI2: who waits on whom, by stage (and Maths Hub). */
  queryGsi2?: true;
  /**
   * On the idempotency records: Powertools' own wrapper gets, puts, updates and deletes them (publishing an
   * alert once); an email's claim is put, and released (deleted) if the send failed; erasing a person
   * deletes the replay pages earlier versions kept there.
   */
  idempotency?: IdempotencyAction[];
  /** SES SendEmail and SendRawEmail (invites are raw), as our identity through our configuration set. */
  email?: true;
  /** On both state machines; DescribeExecution and StopExecution on their executions. */
  workflows?: ('StartExecution' | 'DescribeExecution' | 'StopExecution' | 'SendTaskSuccess')[];
  /**
   * On a prefix of the uploads bucket: participants' files (`uploads`) or issued certificates
   * (`certificates`). Whoever reads may also list the prefix, so a missing key is S3's 404, not a 403.
   */
  uploads?: S3Action[];
  certificates?: S3Action[];
  /** sns:Publish to the admin's alerts topic. */
  alerts?: true;
  /** events:PutEvents on the milestone bus (events/milestones.ts). */
  milestones?: true;
}

/** Every email is sent once: its claim is put before it goes, and deleted only if it failed. */
const emails: Permissions = { idempotency: ['PutItem', 'DeleteItem'], email: true };
/** Every action on the idempotency records: Powertools' own wrapper. */
const allIdempotency: IdempotencyAction[] = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];
/** Hands an answer or a change to a waiting execution. */
const wakes: Permissions['workflows'] = ['SendTaskSuccess'];

/**
 * Every function's permissions, one entry each, as its code needs them: test/infra/least-privilege.test.ts
 * reads the code (every AWS call reachable from the handler) and the synthesized template, and fails on
 * any difference either way. A new function, or a new call, adds its entry or action here.
 */
export const permissions: Record<FunctionName, Permissions> = {
  AdvanceCommitment: { table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'], ...emails },
  AwaitCommitment: { table: ['GetItem', 'UpdateItem'], workflows: wakes },
  NotifyCommitmentOutcome: { table: ['GetItem', 'UpdateItem'], ...emails },
  AdvanceProgramme: {
    table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'],
    ...emails,
    certificates: ['GetObject', 'PutObject', 'ListBucket'],
  },
  AwaitChange: { table: ['UpdateItem'], workflows: wakes },
  AdvanceAccreditedYears: {
    table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    ...emails,
  },
  ReportLifecycleFailure: { table: ['GetItem', 'UpdateItem'], ...emails },
  Forms: {
    table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    queryGsi1: true,
    // Emails (an answer's replay page is kept on its request).
    ...emails,
    // Accepting a place offered from a waiting list enrols, which starts the lifecycle.
    workflows: ['StartExecution', 'SendTaskSuccess'],
    uploads: ['GetObject', 'PutObject', 'ListBucket'],
  },
  Public: {
    table: ['GetItem', 'PutItem', 'UpdateItem'],
    queryGsi1: true,
    ...emails,
    certificates: ['GetObject', 'ListBucket'],
  },
  AdvanceInvitations: {
    table: ['GetItem', 'PutItem', 'UpdateItem'],
    queryGsi1: true,
    ...emails,
    workflows: ['StartExecution'],
  },
  AwaitInvitationChange: { table: ['UpdateItem'], workflows: wakes },
  Admin: {
    table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    queryGsi1: true,
    queryGsi2: true,
    ...emails,
    workflows: ['StartExecution', 'DescribeExecution', 'StopExecution', 'SendTaskSuccess'],
    uploads: ['ListBucket', 'DeleteObject'],
    certificates: ['DeleteObject'],
  },
  Reconcile: {
    table: ['GetItem', 'BatchGetItem'],
    queryGsi1: true,
    idempotency: allIdempotency,
    workflows: ['DescribeExecution'],
    alerts: true,
  },
  // Its stream reads and dead-letter sends are the event source's (infra/constructs/milestone-publishing.ts).
  PublishMilestones: { table: ['GetItem'], milestones: true },
  WeeklyDigest: { table: ['BatchGetItem'], queryGsi1: true, ...emails },
  Retention: {
    table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    queryGsi1: true,
    // Erasing a person forgets the replay pages of their answers.
    idempotency: ['DeleteItem'],
    workflows: ['DescribeExecution', 'StopExecution'],
    uploads: ['ListBucket', 'DeleteObject'],
    certificates: ['DeleteObject'],
  },
};

export type Resource =
  | 'Accreditation'
  | `Accreditation/index/${string}`
  | 'Idempotency'
  | 'email'
  | 'ParticipantLifecycle'
  | 'AccreditedYears'
  | 'WaitingListInvitations'
  | 'uploads/'
  | 'certificates/'
  | 'alerts'
  | 'milestones';
/** An IAM action on one of our resources: `Accreditation dynamodb:GetItem`. */
export type Grant = `${Resource} ${string}`;
export const grantOf = (resource: Resource, action: string): Grant => `${resource} ${action}`;

/** The declaration as grants, one per resource and action. */
export function grantsOf(p: Permissions): Grant[] {
  const on = (resources: Resource[], service: string, actions: readonly string[] = []) =>
    resources.flatMap((resource) => actions.map((action) => grantOf(resource, `${service}:${action}`)));
  return [
    ...on(['Accreditation'], 'dynamodb', p.table),
    ...on(['Accreditation/index/GSI1'], 'dynamodb', p.queryGsi1 && ['Query']),
    ...on(['Accreditation/index/GSI2'], 'dynamodb', p.queryGsi2 && ['Query']),
    ...on(['Idempotency'], 'dynamodb', p.idempotency),
    ...on(['email'], 'ses', p.email && ['SendEmail', 'SendRawEmail']),
    ...on(['ParticipantLifecycle', 'AccreditedYears', 'WaitingListInvitations'], 'states', p.workflows),
    ...on(['uploads/'], 's3', p.uploads),
    ...on(['certificates/'], 's3', p.certificates),
    ...on(['alerts'], 'sns', p.alerts && ['Publish']),
    ...on(['milestones'], 'events', p.milestones && ['PutEvents']),
  ];
}
