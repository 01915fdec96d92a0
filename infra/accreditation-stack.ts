import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { type FunctionName, permissions } from '../functions/permissions.js';
import { METRICS_NAMESPACE } from '../functions/shared/metric-names.js';
import { AdminAlerts } from './constructs/admin-alerts.js';
import { OperationsDashboard } from './constructs/dashboard.js';
import { DataStore } from './constructs/data-store.js';
import { EmailSending } from './constructs/email-sending.js';
import { FormsApi, type FormsDomain } from './constructs/forms-api.js';
import { grantDeclared } from './constructs/function-permissions.js';
import { LifecycleFunctions } from './constructs/lifecycle-functions.js';
import { LifecycleWorkflows, workflowArn } from './constructs/lifecycle-workflows.js';
import { MilestonePublishing, type MilestoneSubscriber } from './constructs/milestone-publishing.js';
import { Reconciler } from './constructs/reconciler.js';
import { DEFAULT_RETENTION_YEARS, Retention } from './constructs/retention.js';
import { Uploads } from './constructs/uploads.js';
import { WeeklyDigestSender } from './constructs/weekly-digest.js';

export interface AccreditationStackProps extends StackProps {
  /** The verified SES identity emails come from. */
  emailFrom: string;
  /** Where failures and outcomes for the programme team go. */
  adminEmail: string;
  /** Requests one client (IP address) may make to the forms in 5 minutes. */
  formsRequestsPerClientPer5Minutes: number;
  /** The forms' own domain and its certificate; without one, links use the API's address. */
  formsDomain?: FormsDomain;
  /** Years after the last activity on a finished participant's record before it is anonymised (default 6). */
  retentionYears?: number;
  /** Maths Hubs whose own event bus gets their cohorts' milestones. */
  milestoneSubscribers?: MilestoneSubscriber[];
  /** Source maps in the functions' bundles (off by default: they slow every cold start). */
  sourceMaps?: boolean;
}

export class AccreditationStack extends Stack {
  /** Constructs whose generated names appear in cdk-nag findings we acknowledge. */
  readonly nagScopes: {
    /** Functions invoked by ARN with a version wildcard: the workflow tasks and the reconciler. */
    tasks: Construct[];
    uploads: Uploads;
    reconciler: Reconciler;
    retention: Retention;
    milestones: MilestonePublishing;
    weeklyDigest: WeeklyDigestSender;
  };

  constructor(scope: Construct, id: string, props: AccreditationStackProps) {
    super(scope, id, props);
    const data = new DataStore(this, 'Data');
    const email = new EmailSending(this, 'Email', { emailFrom: props.emailFrom });
    const alerts = new AdminAlerts(this, 'AdminAlerts', { adminEmail: props.adminEmail });
    alerts.tellWhenEmailUndeliverable();

    const functions = new LifecycleFunctions(this, 'Functions', {
      environment: {
        TABLE_NAME: data.table.tableName,
        IDEMPOTENCY_TABLE_NAME: data.idempotencyTable.tableName,
        EMAIL_FROM: props.emailFrom,
        ADMIN_EMAIL: props.adminEmail,
        SES_CONFIGURATION_SET: email.configurationSet.configurationSetName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
      // The reconciler looks up every unfinished participant's execution in one run.
      // The Admin function's listings and cohort-wide changes read every participant of a cohort.
      timeouts: {
        Reconcile: Duration.minutes(5),
        WeeklyDigest: Duration.minutes(5),
        Admin: Duration.minutes(5),
      },
      sourceMaps: props.sourceMaps,
    });
    const {
      Forms,
      Admin,
      Public,
      Reconcile,
      Retention: RetentionFn,
      PublishMilestones,
      WeeklyDigest,
      ...tasks
    } = functions.byName;
    const forms = new FormsApi(this, 'Forms', {
      forms: Forms,
      publicPages: Public,
      requestsPerClientPer5Minutes: props.formsRequestsPerClientPer5Minutes,
      domain: props.formsDomain,
    });
    // Links, certificate and directory addresses, and the upload forms' way back: always the configured URL.
    for (const fn of Object.values(functions.byName)) fn.addEnvironment('FORMS_BASE_URL', forms.baseUrl);
    // Files participants attach to submissions: only the forms take and show them. Issued certificates, in
    // the same bucket: AdvanceProgramme keeps each one at accreditation, the public pages serve it.
    const uploads = new Uploads(this, 'Uploads');
    for (const fn of [Forms, tasks.AdvanceProgramme, Public])
      fn.addEnvironment('UPLOADS_BUCKET', uploads.bucket.bucketName);

    const workflows = new LifecycleWorkflows(this, 'Lifecycle', { tasks, alerts });
    const lifecycle = workflows.stateMachines.ParticipantLifecycle;
    Admin.addEnvironment('STATE_MACHINE_ARN', lifecycle.stateMachineArn);
    // A reinstated lead's accredited years start again by the admin's hand.
    const accreditedYears = workflows.stateMachines.AccreditedYears;
    Admin.addEnvironment('ACCREDITED_YEARS_STATE_MACHINE_ARN', accreditedYears.stateMachineArn);
    // A cohort's invitations from its waiting list start by the admin's hand (invite-from-waitlist).
    Admin.addEnvironment(
      'WAITING_LIST_STATE_MACHINE_ARN',
      workflows.stateMachines.WaitingListInvitations.stateMachineArn,
    );
    // Accepting an invitation enrols: the form, or the invitations' step finishing it, starts the lifecycle.
    // By name: the state machines reference every task, and the forms API's URL reaches them.
    for (const fn of [Forms, tasks.AdvanceInvitations])
      fn.addEnvironment('STATE_MACHINE_ARN', workflowArn(this, 'ParticipantLifecycle'));
    // Every day, anyone unfinished whose execution stopped or never started is reported to the admin.
    const reconciler = new Reconciler(this, 'Reconciler', {
      fn: Reconcile,
      stateMachines: workflows.stateMachines,
      alerts,
    });
    // UK GDPR: the Admin exports and erases a person's data (erase-person deletes their files); the
    // retention job anonymises those kept past the retention period.
    Admin.addEnvironment('UPLOADS_BUCKET', uploads.bucket.bucketName);
    const retention = new Retention(this, 'Retention', {
      fn: RetentionFn,
      stateMachines: workflows.stateMachines,
      uploads,
      alerts,
      retentionYears: props.retentionYears ?? DEFAULT_RETENTION_YEARS,
    });
    new OperationsDashboard(this, 'Operations', { stateMachines: workflows.stateMachines });
    // Milestones from the table's stream to their bus.
    const milestones = new MilestonePublishing(this, 'Milestones', {
      fn: PublishMilestones,
      table: data.table,
      alerts,
      subscribers: props.milestoneSubscribers,
    });
    // Every Monday, each cohort's admin hears who is overdue (nothing when nobody is).
    const weeklyDigest = new WeeklyDigestSender(this, 'WeeklyDigest', { fn: WeeklyDigest, alerts });
    // Each function may do what its code calls, as functions/permissions.ts declares, and nothing more.
    const targets = {
      table: data.table,
      idempotencyTable: data.idempotencyTable,
      uploads,
      alerts: alerts.topic,
      emailConfigurationSetName: email.configurationSet.configurationSetName,
      milestones: milestones.bus,
    };
    for (const [name, fn] of Object.entries(functions.byName) as [FunctionName, LambdaFunction][]) {
      grantDeclared(this, fn, permissions[name], targets);
      alerts.alarmOnAny(`${name}Errors`, fn.metricErrors(), `The ${name} function is failing.`);
    }

    this.nagScopes = {
      tasks: [...Object.values(tasks), Reconcile, RetentionFn, WeeklyDigest],
      uploads,
      reconciler,
      retention,
      milestones,
      weeklyDigest,
    };
    new CfnOutput(this, 'FormsUrl', { value: forms.baseUrl });
    new CfnOutput(this, 'StateMachineArn', { value: lifecycle.stateMachineArn });
    new CfnOutput(this, 'AccreditedYearsStateMachineArn', {
      value: workflows.stateMachines.AccreditedYears.stateMachineArn,
    });
    new CfnOutput(this, 'AdminFunctionName', { value: Admin.functionName });
  }
}
