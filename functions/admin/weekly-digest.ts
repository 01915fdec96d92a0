import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { DAY, toLondonLocal } from '../domain/time.js';
import { weeklyDigestEmail } from '../email/digest-emails.js';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { logger, metrics } from '../shared/observability.js';
import { idempotency } from '../shared/parts/idempotency.js';
import { mailer } from '../shared/parts/mailer.js';
import { store } from '../shared/parts/store.js';
import { defineTask } from '../shared/task-handler.js';
import { statusRows } from './status.js';

/** EventBridge Scheduler's input: nothing is needed, the run looks at every cohort. */
const Input = z.object({});

export interface WeeklyDigest {
  /** The ISO week it is for, London time: `2027-W05`. */
  week: string;
  cohortsChecked: number;
  /** Cohorts whose admin was emailed (someone was overdue), by id. */
  digestsSent: string[];
}

/** The ISO 8601 week (`2027-W05`) of the London calendar date of `instant`. */
export function isoWeek(instant: Date): string {
  const [year, month, day] = toLondonLocal(instant).slice(0, 10).split('-').map(Number) as [
    number,
    number,
    number,
  ];
  // The week is its Thursday's: the week of the year that Thursday falls in.
  const thursday = new Date(Date.UTC(year, month - 1, day));
  thursday.setUTCDate(thursday.getUTCDate() + 3 - ((thursday.getUTCDay() + 6) % 7));
  const newYear = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - newYear) / DAY / 7) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/**
 * The weekly look for each cohort's admin (EventBridge Scheduler runs it): who is overdue and whom the
 * cohort waits on, emailed to the cohort's admin (its `adminEmail`, or the ADMIN_EMAIL setting). Nothing
 * is sent for a cohort with nobody overdue, and each cohort's digest goes once a week: keyed by the ISO
 * week, a retried or repeated run sends nothing twice.
 */
export async function weeklyDigest(deps: Dependencies): Promise<WeeklyDigest> {
  const { store, mailer, clock, settings } = deps;
  const now = clock.now();
  const week = isoWeek(now);
  const cohorts = await store.cohorts.list();
  const digestsSent: string[] = [];
  for (const cohort of cohorts) {
    const rows = statusRows(await store.participants.inCohort(cohort.cohortId), now);
    if (!rows.some((r) => r.overdue)) continue;
    const to = cohort.adminEmail ?? settings.ADMIN_EMAIL;
    await mailer.send(weeklyDigestEmail(to, cohort, rows, now), `weekly-digest#${cohort.cohortId}#${week}`);
    digestsSent.push(cohort.cohortId);
  }
  const result = { week, cohortsChecked: cohorts.length, digestsSent };
  metrics.addMetric('WeeklyDigestsSent', MetricUnit.Count, digestsSent.length);
  logger.info('Weekly digests of what is overdue', { ...result });
  return result;
}

export const WeeklyDigest = defineTask({
  name: 'WeeklyDigest',
  input: Input,
  run: (_, deps) => weeklyDigest(deps),
});
export const handler = WeeklyDigest.handler(composedFor('WeeklyDigest', store, idempotency, mailer));
