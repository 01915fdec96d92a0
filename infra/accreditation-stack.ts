import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { AdminAlerts } from './constructs/admin-alerts.js';
import { DataStore } from './constructs/data-store.js';
import { EmailSending } from './constructs/email-sending.js';
import { FormsApi } from './constructs/forms-api.js';
import { LifecycleFunctions } from './constructs/lifecycle-functions.js';
import { LifecycleWorkflows, workflowArn } from './constructs/lifecycle-workflows.js';
import { Reconciler } from './constructs/reconciler.js';
import { Uploads } from './constructs/uploads.js';

export interface AccreditationStackProps extends StackProps {
  /** The verified SES identity emails come from. */
  emailFrom: string;
  /** Where failures and outcomes for the programme team go. */
  adminEmail: string;
}

export class AccreditationStack extends Stack {
  /** Constructs whose generated names appear in cdk-nag findings we acknowledge. */
  readonly nagScopes: {
    table: Construct;
    /** Functions invoked by ARN with a version wildcard: the workflow tasks and the reconciler. */
    tasks: Construct[];
    uploads: Uploads;
    reconciler: Reconciler;
  };

  constructor(scope: Construct, id: string, props: AccreditationStackProps) {
    super(scope, id, props);
    const data = new DataStore(this, 'Data');
    const email = new EmailSending(this, 'Email', { emailFrom: props.emailFrom });
    const alerts = new AdminAlerts(this, 'AdminAlerts', { adminEmail: props.adminEmail });
    alerts.tellWhenEmailUndeliverable();

    // Functions that email links need the forms URL; the Forms function itself does not, which avoids a cycle.
    const functions = new LifecycleFunctions(this, 'Functions', {
      environment: {
        TABLE_NAME: data.table.tableName,
        IDEMPOTENCY_TABLE_NAME: data.idempotencyTable.tableName,
        EMAIL_FROM: props.emailFrom,
        ADMIN_EMAIL: props.adminEmail,
        SES_CONFIGURATION_SET: email.configurationSet.configurationSetName,
        POWERTOOLS_METRICS_NAMESPACE: 'PdAccreditation',
        FORMS_BASE_URL: 'https://forms.invalid/',
      },
      // The reconciler looks up every unfinished participant's execution in one run.
      // The Admin function's listings and cohort-wide changes read every participant of a cohort.
      timeouts: { Reconcile: Duration.minutes(5), Admin: Duration.minutes(5) },
    });
    const { Forms, Admin, Public, Reconcile, ...tasks } = functions.byName;
    const forms = new FormsApi(this, 'Forms', { forms: Forms, publicPages: Public });
    // Files participants attach to submissions: only the forms take and show them. Issued certificates, in
    // the same bucket: AdvanceProgramme keeps each one at accreditation, the public pages serve it.
    const uploads = new Uploads(this, 'Uploads');
    for (const fn of [Forms, tasks.AdvanceProgramme, Public])
      fn.addEnvironment('UPLOADS_BUCKET', uploads.bucket.bucketName);
    uploads.grantForms(Forms);
    uploads.grantIssueCertificates(tasks.AdvanceProgramme);
    uploads.grantReadCertificates(Public);
    // The steps that email links (and certificate and directory addresses) need the real forms URL.
    for (const fn of [tasks.AdvanceCommitment, tasks.AdvanceProgramme, tasks.AdvanceAccreditedYears])
      fn.addEnvironment('FORMS_BASE_URL', forms.api.url);

    const workflows = new LifecycleWorkflows(this, 'Lifecycle', { tasks, alerts });
    const lifecycle = workflows.stateMachines.ParticipantLifecycle;
    Admin.addEnvironment('STATE_MACHINE_ARN', lifecycle.stateMachineArn);
    lifecycle.grantStartExecution(Admin);
    // A reinstated lead's accredited years start again by the admin's hand.
    const accreditedYears = workflows.stateMachines.AccreditedYears;
    Admin.addEnvironment('ACCREDITED_YEARS_STATE_MACHINE_ARN', accreditedYears.stateMachineArn);
    accreditedYears.grantStartExecution(Admin);
    // resume-participant and defer look up the execution a participant's record names (any name).
    Admin.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: (['ParticipantLifecycle', 'AccreditedYears'] as const).map((name) =>
          this.formatArn({
            service: 'states',
            resource: 'execution',
            resourceName: `${name}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ),
      }),
    );
    // Every day, anyone unfinished whose execution stopped or never started is reported to the admin.
    const reconciler = new Reconciler(this, 'Reconciler', {
      fn: Reconcile,
      table: data.table,
      idempotencyTable: data.idempotencyTable,
      stateMachines: workflows.stateMachines,
      alerts,
    });
    // By name, not by reference: the forms API → Forms → state machine → AdvanceCommitment → API URL would be a cycle.
    // Everything that wakes a waiting execution: the forms, the waits themselves, and the admin's changes.
    for (const fn of [Forms, Admin, tasks.AwaitCommitment, tasks.AwaitChange])
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
          resources: [workflowArn(this, 'ParticipantLifecycle'), workflowArn(this, 'AccreditedYears')],
        }),
      );

    for (const [name, fn] of Object.entries(functions.byName)) {
      alerts.alarmOnAny(`${name}Errors`, fn.metricErrors(), `The ${name} function is failing.`);
      // The public pages only read: a certificate (its record here, its PDF in S3), its verification, the directory.
      if (fn === Public) {
        data.table.grantReadData(fn);
        continue;
      }
      // The reconciler's grants are its own (infra/constructs/reconciler.ts): it reads, looks and alerts.
      if (fn === Reconcile) continue;
      data.table.grantReadWriteData(fn);
      data.idempotencyTable.grantReadWriteData(fn);
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['ses:SendEmail', 'ses:SendRawEmail'],
          resources: [
            `arn:aws:ses:${this.region}:${this.account}:identity/*`,
            `arn:aws:ses:${this.region}:${this.account}:configuration-set/${email.configurationSet.configurationSetName}`,
          ],
        }),
      );
    }

    this.nagScopes = { table: data.table, tasks: [...Object.values(tasks), Reconcile], uploads, reconciler };
    new CfnOutput(this, 'FormsUrl', { value: forms.api.url });
    new CfnOutput(this, 'StateMachineArn', { value: lifecycle.stateMachineArn });
    new CfnOutput(this, 'AccreditedYearsStateMachineArn', {
      value: workflows.stateMachines.AccreditedYears.stateMachineArn,
    });
    new CfnOutput(this, 'AdminFunctionName', { value: Admin.functionName });
  }
}
