import { createHash } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import type { Participant } from '../domain/participant.js';
import {
  expectsRunningExecution,
  hasOverdueSubmission,
  type NotMoving,
  notMoving,
  reconciliationAlerts,
} from '../domain/reconciliation.js';
import { programmeById } from '../programmes/index.js';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { METRIC } from '../shared/metric-names.js';
import { logger, metrics } from '../shared/observability.js';
import { alerts } from '../shared/parts/alerts.js';
import { idempotency } from '../shared/parts/idempotency.js';
import { store } from '../shared/parts/store.js';
import { workflow } from '../shared/parts/workflow.js';
import { defineTask } from '../shared/task-handler.js';
import { executionArnOf } from '../shared/workflow.js';

/** EventBridge Scheduler's input: nothing is needed, the run looks at everyone. */
const Input = z.object({});

export interface Reconciliation {
  /** Participants who should have a running execution, and were looked up. */
  checked: number;
  /** Those nothing carries on, by id. */
  notMoving: string[];
  alertsPublished: number;
  /** By cohort, how many participants' submissions are past their deadline (the dashboard graphs it). */
  overdueByCohort: Record<string, number>;
}

/**
 * The daily look across every participant (EventBridge Scheduler runs it): anyone still on their way whose
 * execution has stopped, or never started, would otherwise wait in silence. The programme team gets one
 * alert listing them all (split only where SNS's size limit needs it), and nothing when all is well.
 */
export async function reconcile(deps: Dependencies): Promise<Reconciliation> {
  const { store, alerts } = deps;
  if (!alerts) throw new Error('The reconciler needs the alerts topic (ALERT_TOPIC_ARN)');
  const found: NotMoving[] = [];
  let checked = 0;
  const overdueByCohort: Record<string, number> = {};
  for (const cohort of await store.cohorts.list()) {
    const everyone = await store.participants.inCohort(cohort.cohortId);
    const programme = programmeById(cohort.programmeId);
    overdueByCohort[cohort.cohortId] = everyone.filter((participant) =>
      hasOverdueSubmission(participant, cohort, programme, deps.clock.now()),
    ).length;
    const participants = everyone.filter(expectsRunningExecution);
    checked += participants.length;
    const judged = await Promise.all(participants.map((participant) => judge(participant, deps)));
    found.push(...judged.filter((p) => p !== undefined));
  }
  const messages = reconciliationAlerts(found);
  // Keyed by the day and the words: a retried run sends nothing twice, tomorrow's run says it again.
  const day = deps.clock.now().toISOString().slice(0, 10);
  for (const alert of messages) {
    const digest = createHash('sha256').update(`${alert.subject}\n${alert.message}`).digest('hex');
    await alerts.publish(alert, `reconcile#${day}#${digest}`);
  }
  const result = {
    checked,
    notMoving: found.map((p) => p.participantId),
    alertsPublished: messages.length,
    overdueByCohort,
  };
  metrics.addMetric(METRIC.participantsNotMoving, MetricUnit.Count, found.length);
  for (const [cohortId, overdue] of Object.entries(overdueByCohort)) {
    const perCohort = metrics.singleMetric();
    perCohort.addDimension('cohortId', cohortId);
    perCohort.addMetric(METRIC.overdueSubmissions, MetricUnit.Count, overdue);
  }
  logger.info('Reconciled participants with their executions', { ...result });
  return result;
}

/**
 * Looks up the execution the record names. One that is not running is judged again from the record as it
 * is now: a start or a hand-over may have happened since the cohort was read.
 */
async function judge(participant: Participant, { store, workflow, settings }: Dependencies) {
  const stateMachineArns = {
    ParticipantLifecycle: settings.STATE_MACHINE_ARN,
    AccreditedYears: settings.ACCREDITED_YEARS_STATE_MACHINE_ARN,
  };
  const look = async ({ execution }: Participant) =>
    execution && {
      executionArn: executionArnOf(stateMachineArns[execution.workflow], execution.name),
      status: await workflow.describeExecution(execution),
    };
  if (!notMoving(participant, await look(participant), stateMachineArns)) return undefined;
  const now = await store.participants.get(participant.participantId);
  return now && notMoving(now, await look(now), stateMachineArns);
}

export const Reconcile = defineTask({ name: 'Reconcile', input: Input, run: (_, deps) => reconcile(deps) });
export const handler = Reconcile.handler(composedFor('Reconcile', store, idempotency, workflow, alerts));
