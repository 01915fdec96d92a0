import type { ProgrammeReport } from '../programme-report.js';

/**
 * One CSV value: quoted when it holds a comma, quote or line break, and a leading = + - @ made inert,
 * so a name typed into a form cannot become a spreadsheet formula.
 */
function csvValue(value: string | number): string {
  const text = String(value);
  const inert = typeof value === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(inert) ? `"${inert.replaceAll('"', '""')}"` : inert;
}

const HEADINGS = [
  'section',
  'cohort_id',
  'cohort',
  'maths_hub',
  'programme',
  'stage_or_term',
  'participants',
  'reports',
  'teachers',
  'schools',
];

/**
 * The report's figures for the programme team's returns, one CSV: each cohort's funnel (participants
 * reaching each stage), then the termly reach across cohorts (reports, teachers, schools).
 */
export function programmeReportCsv(report: ProgrammeReport): string {
  const funnel = report.cohorts.flatMap((c) =>
    c.funnel.map((s) => [
      'funnel',
      c.cohortId,
      c.name,
      c.mathsHub,
      c.programme,
      s.label,
      s.participants,
      '',
      '',
      '',
    ]),
  );
  const reach = report.reach.map((t) => [
    'termly reach',
    '',
    'All cohorts',
    '',
    '',
    t.title,
    '',
    t.reports,
    t.teachers,
    t.schools,
  ]);
  return `${[HEADINGS, ...funnel, ...reach].map((row) => row.map(csvValue).join(',')).join('\r\n')}\r\n`;
}
