import { Duration } from 'aws-cdk-lib';
import {
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { FORM_ANSWER_STATUSES, METRIC, METRICS_NAMESPACE } from '../../functions/shared/metric-names.js';
import type { WorkflowName } from '../../workflows/definitions.js';

const FIVE_MINUTES = Duration.minutes(5);

/** One of our metrics summed over every function that emits it (each emits it under its own `service`). */
const everyService = (metricName: string, label: string) =>
  new MathExpression({
    expression: `SUM(SEARCH('{${METRICS_NAMESPACE},service} MetricName="${metricName}"', 'Sum', 300))`,
    label,
    period: FIVE_MINUTES,
    usingMetrics: {},
  });

/** One of our metrics as one function emits it. */
const ofService = (service: string, metricName: string, label: string) =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service },
    statistic: 'Sum',
    period: FIVE_MINUTES,
    label,
  });

/** SES's account-level sending metrics (this account sends only this system's emails). */
const ses = (metricName: string) =>
  new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Sum', period: FIVE_MINUTES });

const graph = (title: string, left: IMetric[]) => new GraphWidget({ title, left, width: 12, height: 6 });

/**
 * What the programme team and whoever runs the system look at first: executions per state machine,
 * emails sent and refused, forms answered and refused, milestones published, and, by cohort, who is
 * past a deadline (the daily reconciler's count).
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: { stateMachines: Record<WorkflowName, IStateMachine> }) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: 'PdAccreditation' });
    const executions = Object.entries(props.stateMachines).map(([name, machine]) =>
      graph(`Executions: ${name}`, [
        machine.metricStarted({ label: 'Started', period: FIVE_MINUTES }),
        machine.metricSucceeded({ label: 'Succeeded', period: FIVE_MINUTES }),
        machine.metricFailed({ label: 'Failed', period: FIVE_MINUTES }),
        machine.metricTimedOut({ label: 'Timed out', period: FIVE_MINUTES }),
        machine.metricAborted({ label: 'Aborted', period: FIVE_MINUTES }),
      ]),
    );
    const forms = 'Forms';
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# PD accreditation\nExecutions per state machine, emails, the emailed forms, milestones, and who is past a deadline by cohort.',
        width: 24,
        height: 2,
      }),
      ...executions,
      graph('Emails', [
        everyService(METRIC.emailSent, 'Sent by the system'),
        ses('Send'),
        ses('Delivery'),
        ses('Bounce'),
        ses('Complaint'),
      ]),
      graph('Forms: pages and answers', [
        ofService(forms, METRIC.formViewed, 'Viewed'),
        ofService(forms, METRIC.formAnswered(FORM_ANSWER_STATUSES.recorded), 'Answer recorded'),
      ]),
      graph('Forms: answers not recorded', [
        ofService(forms, METRIC.formAnswered(FORM_ANSWER_STATUSES.refused), 'Refused with a message (422)'),
        ofService(forms, METRIC.formAnswered(FORM_ANSWER_STATUSES.alreadyAnswered), 'Already answered (409)'),
        ofService(forms, METRIC.formAnswered(FORM_ANSWER_STATUSES.closed), 'Closed or expired (410)'),
        ofService(forms, METRIC.formAnswered(FORM_ANSWER_STATUSES.unknownLink), 'Unknown link (404)'),
        ofService(forms, METRIC.formAnswered(FORM_ANSWER_STATUSES.tooLarge), 'Too large (413)'),
        ofService(forms, METRIC.formFailed, 'Something went wrong (500)'),
      ]),
      new GraphWidget({
        title: 'Past a deadline, by cohort (daily)',
        left: [
          new MathExpression({
            expression: `SEARCH('{${METRICS_NAMESPACE},cohortId,service} MetricName="${METRIC.overdueSubmissions}"', 'Maximum', 86400)`,
            label: '',
            period: Duration.days(1),
            usingMetrics: {},
          }),
        ],
        width: 12,
        height: 6,
      }),
      graph('Participants not moving, milestones published', [
        ofService('Reconcile', METRIC.participantsNotMoving, 'Not moving (daily reconciler)'),
        ofService('PublishMilestones', METRIC.milestonesPublished, 'Milestones published'),
      ]),
    );
  }
}
