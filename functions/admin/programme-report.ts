import { termOf } from '../domain/accredited-years.js';
import type { Cohort } from '../domain/cohort.js';
import type { Participant } from '../domain/participant.js';
import type { Programme } from '../domain/programme.js';
import { isAssessmentDecision } from '../domain/progress.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command } from './command.js';
import { leadReach } from './reach-report.js';
import { type StatusRow, statusRows } from './status.js';

/** How many of a cohort's participants reached one stage of the programme. */
export interface FunnelStage {
  stage: string;
  label: string;
  participants: number;
}

export interface CohortFunnel {
  cohortId: string;
  name: string;
  mathsHub: string;
  programme: string;
  funnel: FunnelStage[];
}

/** One term's reported reach, summed over every accredited lead of the cohorts reported on. */
export interface TermReach {
  term: string;
  title: string;
  reports: number;
  teachers: number;
  schools: number;
}

export interface ProgrammeReport {
  asOf: string;
  cohorts: CohortFunnel[];
  /** Everyone past due, across the cohorts: what the programme team chases first. */
  overdue: StatusRow[];
  reach: TermReach[];
}

const reached = (participants: Participant[], test: (p: Participant) => boolean) =>
  participants.filter(test).length;

/**
 * A cohort's funnel, in the programme's own order: enrolled, committed, each development day attended
 * and each task and framework submitted, then accredited (or completed, for a programme with no
 * assessment) and re-registered (where accreditation asks for it).
 */
export function cohortFunnel(programme: Programme, participants: Participant[]): FunnelStage[] {
  const stage = (stage: string, label: string, test: (p: Participant) => boolean) => ({
    stage,
    label,
    participants: reached(participants, test),
  });
  const assessed = programme.steps.some((s) => s.kind === 'assessment');
  return [
    stage('enrolled', 'Enrolled', () => true),
    stage('committed', 'Senior leader committed', (p) => p.commitment?.decision === 'signed'),
    ...programme.steps.flatMap((step) => {
      if (step.kind === 'development-day')
        return [stage(step.id, step.title, (p) => p.progress[step.id]?.outcome === 'attended')];
      if (step.kind === 'task' || step.kind === 'framework-submission')
        return [stage(step.id, step.title, (p) => p.progress[step.id]?.outcome === 'submitted')];
      return [];
    }),
    assessed
      ? stage('accredited', 'Accredited', (p) =>
          Object.values(p.progress).some((o) => isAssessmentDecision(o) && o.outcome === 'accredited'),
        )
      : stage('completed', 'Completed', (p) => p.stage === 'completed'),
    ...(programme.accreditation
      ? [
          stage('re-registered', 'Re-registered', (p) =>
            Object.values(p.progress).some((o) => o.outcome === 're-registered'),
          ),
        ]
      : []),
  ];
}

/** Teachers and schools reached, term by term in calendar order, from every lead's termly reports. */
export function termlyReach(participants: Participant[]): TermReach[] {
  const terms = new Map<string, TermReach & { order: number }>();
  for (const report of participants.flatMap((p) => leadReach(p).termly)) {
    const term = termOf(report.id);
    if (!term) continue;
    const total = terms.get(report.id) ?? { term: report.id, ...term, reports: 0, teachers: 0, schools: 0 };
    total.reports += 1;
    total.teachers += report.counts.teachers ?? 0;
    total.schools += report.counts.schools ?? 0;
    terms.set(report.id, total);
  }
  return [...terms.values()].sort((a, b) => a.order - b.order).map(({ order: _, ...reach }) => reach);
}

/**
 * The programme team's report across cohorts: a funnel per cohort, everyone overdue, and termly reach
 * totals. Each cohort's participants are read one by one (GSI1, then each record).
 */
export async function programmeReport(
  command: Command<'programme-report'>,
  { store, clock }: Dependencies,
): Promise<AdminResult> {
  const now = clock.now();
  const every = await store.cohorts.list();
  const unknown = command.cohortIds?.filter((id) => !every.some((c) => c.cohortId === id)) ?? [];
  if (unknown.length)
    throw new AdminCommandRejected(`No cohort ${unknown.map((id) => `"${id}"`).join(', ')}`);
  const chosen = command.cohortIds ? every.filter((c) => command.cohortIds?.includes(c.cohortId)) : every;
  const cohorts: { cohort: Cohort; participants: Participant[] }[] = [];
  for (const cohort of chosen)
    cohorts.push({ cohort, participants: await store.participants.inCohort(cohort.cohortId) });
  const everyone = cohorts.flatMap((c) => c.participants);
  return {
    command: 'programme-report',
    asOf: now.toISOString(),
    cohorts: cohorts.map(({ cohort, participants }) => {
      const programme = programmeById(cohort.programmeId);
      return {
        cohortId: cohort.cohortId,
        name: cohort.name,
        mathsHub: cohort.mathsHub,
        programme: programme.name,
        funnel: cohortFunnel(programme, participants),
      };
    }),
    overdue: statusRows(everyone, now).filter((row) => row.overdue),
    reach: termlyReach(everyone),
  };
}
