import { writeFile } from 'node:fs/promises';
import type { ProgrammeReport } from '../../functions/admin/programme-report.js';
import { programmeReportCsv } from '../../functions/admin/report/programme-report-csv.js';
import { programmeReportHtml } from '../../functions/admin/report/programme-report-html.js';
import type { CliEnvironment } from './program.js';
import type { AdminOutcome, AdminTransport } from './transports.js';

export interface ReportOptions {
  html?: string;
  csv?: string;
  cohortIds?: string[];
}

/**
 * `pd-admin report`: the programme report (funnel per cohort, the overdue, termly reach) as one
 * self-contained HTML file and as CSV for returns, from the `programme-report` command's figures.
 */
export async function writeProgrammeReport(
  transport: AdminTransport,
  options: ReportOptions,
  io: CliEnvironment,
): Promise<AdminOutcome> {
  const outcome = await transport.send({
    command: 'programme-report',
    ...(options.cohortIds ? { cohortIds: options.cohortIds } : {}),
  });
  if (!outcome.ok) return outcome;
  const report = outcome.result as ProgrammeReport;
  if (options.html) await writeFile(options.html, programmeReportHtml(report));
  if (options.csv) await writeFile(options.csv, programmeReportCsv(report));
  for (const file of [options.html, options.csv].filter(Boolean)) io.stderr(`Written: ${file}`);
  return outcome;
}
