import { formatLondon } from '../../domain/time.js';
import { html, SafeHtml } from '../../shared/html.js';
import type { CohortFunnel, ProgrammeReport } from '../programme-report.js';
import { londonDay, waitingOnLabel } from './labels.js';

/**
 * The programme report as one self-contained HTML file (`pd-admin report --html out.html`): inline CSS,
 * no scripts, nothing fetched, so it opens offline and can be emailed on. Headings and captioned
 * tables with scoped headers for screen readers, text at AA contrast, and tables that fit a 375-pixel
 * phone (fixed layout, long ids wrap).
 */
const STYLE = `
body{font-family:Arial,sans-serif;font-size:16px;line-height:1.4;color:#0b0c0c;background:#fff;margin:0}
main{max-width:960px;margin:0 auto;padding:16px}
h1{font-size:28px;margin:0 0 8px}h2{font-size:22px;margin:32px 0 8px}
table{width:100%;border-collapse:collapse;table-layout:fixed;margin:0 0 24px;overflow-wrap:anywhere}
caption{text-align:left;font-weight:bold;font-size:18px;padding:0 0 8px}
th,td{text-align:left;vertical-align:top;padding:6px 8px 6px 0;border-bottom:1px solid #b1b4b6}
td.number,th.number{text-align:right}
.bar{display:block;height:8px;background:#00703c;margin-top:4px}
.overdue{font-weight:bold;color:#942514}
.muted{color:#505a5f;font-size:14px}
`;

const percent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 100) : 0);

function funnelTable(cohort: CohortFunnel): SafeHtml {
  const enrolled = cohort.funnel[0]?.participants ?? 0;
  return html`<table>
<caption>${cohort.name} <span class="muted">(${cohort.mathsHub}; ${cohort.programme})</span></caption>
<thead><tr><th scope="col">Stage</th><th scope="col" class="number">Participants</th><th scope="col" class="number">Of those enrolled</th></tr></thead>
<tbody>${cohort.funnel.map((stage) => {
    const share = percent(stage.participants, enrolled);
    return html`<tr><th scope="row">${stage.label}</th><td class="number">${stage.participants}</td><td class="number">${share}%<span class="bar" aria-hidden="true" style="width:${share}%"></span></td></tr>`;
  })}</tbody>
</table>`;
}

function overdueSection(report: ProgrammeReport): SafeHtml {
  if (!report.overdue.length) return html`<p>Nobody is overdue.</p>`;
  return html`<table>
<caption>${report.overdue.length} overdue, longest waiting first</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Waiting on</th><th scope="col">For</th><th scope="col">Was due</th></tr></thead>
<tbody>${report.overdue.map(
    (row) =>
      html`<tr><th scope="row">${row.name}<br><span class="muted">${row.participantId}, ${row.cohortId}</span></th><td class="overdue">${waitingOnLabel(row.waitingOn)}</td><td>${row.what ?? ''}</td><td>${londonDay(row.nextDeadline)}</td></tr>`,
  )}</tbody>
</table>`;
}

function reachSection(report: ProgrammeReport): SafeHtml {
  if (!report.reach.length) return html`<p>No termly reports yet.</p>`;
  return html`<table>
<caption>Teachers and schools reached by accredited leads, all cohorts</caption>
<thead><tr><th scope="col">Term</th><th scope="col" class="number">Reports</th><th scope="col" class="number">Teachers</th><th scope="col" class="number">Schools</th></tr></thead>
<tbody>${report.reach.map(
    (term) =>
      html`<tr><th scope="row">${term.title}</th><td class="number">${term.reports}</td><td class="number">${term.teachers}</td><td class="number">${term.schools}</td></tr>`,
  )}</tbody>
</table>`;
}

export function programmeReportHtml(report: ProgrammeReport): string {
  const asOf = formatLondon(new Date(report.asOf));
  return html`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Programme report, ${asOf}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<main>
<h1>Programme report</h1>
<p>As of ${asOf}, London time. ${report.cohorts.length} cohorts.</p>
<h2>Cohorts: who reached each stage</h2>
${report.cohorts.length ? report.cohorts.map(funnelTable) : html`<p>No cohorts.</p>`}
<h2>Overdue</h2>
${overdueSection(report)}
<h2>Reach, term by term</h2>
${reachSection(report)}
</main>
</body>
</html>
`.value;
}
