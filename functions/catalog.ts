/**
 * Every Lambda function of the system, by the name the workflows use for it. CDK builds one
 * NodejsFunction per entry and substitutes `${<Name>FunctionArn}` in the ASL; the local runtime
 * maps the same names to the same handlers, so both run the identical definition.
 */
export const workflowTasks = {
  AdvanceCommitment: 'functions/lifecycle/advance-commitment.ts',
  AwaitCommitment: 'functions/lifecycle/await-commitment.ts',
  NotifyCommitmentOutcome: 'functions/lifecycle/notify-commitment-outcome.ts',
  AdvanceProgramme: 'functions/lifecycle/advance-programme.ts',
  AwaitChange: 'functions/lifecycle/await-change.ts',
  AdvanceAccreditedYears: 'functions/lifecycle/advance-accredited-years.ts',
  ReportLifecycleFailure: 'functions/lifecycle/report-lifecycle-failure.ts',
  AdvanceInvitations: 'functions/waiting-list/advance-invitations.ts',
  AwaitInvitationChange: 'functions/waiting-list/await-invitation-change.ts',
} as const;
export type WorkflowTaskName = keyof typeof workflowTasks;

/**
 * Functions reached from outside the workflows: the emailed forms (HTTP), the public certificate and
 * directory pages (HTTP), the admin's commands, the daily reconciler, the daily retention job and the
 * weekly digest (EventBridge Scheduler), and the milestones' publisher (the table's DynamoDB stream).
 */
export const entryPoints = {
  Forms: 'functions/forms/forms-handler.ts',
  Public: 'functions/public/public-handler.ts',
  Admin: 'functions/admin/admin-commands.ts',
  Reconcile: 'functions/admin/reconcile.ts',
  Retention: 'functions/admin/retention.ts',
  PublishMilestones: 'functions/events/publish-milestones.ts',
  WeeklyDigest: 'functions/admin/weekly-digest.ts',
} as const;

export const substitutionKey = (name: WorkflowTaskName) => `${name}FunctionArn`;
