import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProgrammeReport } from '../../functions/admin/programme-report.js';
import { programmeReportCsv } from '../../functions/admin/report/programme-report-csv.js';
import { programmeReportHtml } from '../../functions/admin/report/programme-report-html.js';
import { accreditedLead, parkedIn, termlyAnswers } from '../support/accredited-years.js';
import { type AccessibilityFinding, browserTestFile, checkFormPage } from '../support/browser.js';
import { linkIn, mailbox, pdLeadSchedule, testCohort, waitForState } from '../support/local-system.js';
import { advanceTo, post, readyForDayOne } from '../support/programme.js';

/**
 * The programme report of a real local run, as `pd-admin report --html` writes it: one file opened from
 * disk in headless Chromium, loading nothing else; checked with axe-core and at a 375-pixel phone width.
 * The run: a lead accredited in one cohort who reported on their first term, and a participant in
 * another Maths Hub's cohort whose day-1 register the cohort lead has let go past its due date.
 */
const lesserFindings: AccessibilityFinding[] = [];
const folder = mkdtempSync(join(tmpdir(), 'programme-report-'));
let report: ProgrammeReport;
let page: Page;
const ids: Record<'lead' | 'late', string> = { lead: '', late: '' };
/** The term the lead reported on. */
let termTitle = '';

browserTestFile({
  lesserFindings,
  async started(system) {
    const lead = await accreditedLead(system, 'report-north', 'lead@report.test');
    ids.lead = lead.participantId;
    const [spring] = lead.terms;
    if (!spring) throw new Error('A term is reported on');
    await parkedIn(system, lead.participantId, 'Accredited');
    system.clock.advance(spring.asksAt.getTime() + 60_000 - system.clock.now().getTime());
    const ask = await mailbox(system).waitForEmail(
      lead.participant,
      /^Please report your PD reach and impact/,
    );
    await parkedIn(system, lead.participantId, 'AtTermlyFeedback');
    expect((await post(linkIn(ask), termlyAnswers)).status).toBe(200);
    await parkedIn(system, lead.participantId, 'Accredited');

    termTitle = spring.title;

    const south = {
      ...testCohort,
      cohortId: 'report-south',
      mathsHub: 'South Coast Maths Hub',
      name: 'South PD Leads',
      schedule: pdLeadSchedule(system.clock.now()),
    };
    await system.admin({ command: 'create-cohort', cohort: south });
    const late = await readyForDayOne(system, south.cohortId, 'late@report.test');
    ids.late = late.participantId;
    // Four days after the day: the register was due at 5 pm on the third.
    advanceTo(system, south.schedule['day-1'].ends, 4 * 86_400_000);
    await mailbox(system).waitForEmail(
      'programme-admin@accreditation.localhost',
      /^Overdue from the cohort lead: the attendance register for Development day 1/,
    );
    await waitForState(system, late.executionArn, 'AtDevelopmentDay');
    report = (await system.admin({ command: 'programme-report' })) as ProgrammeReport;
  },
  opened(_, opened) {
    page = opened;
  },
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A table's rows as their cells' text, header cells included. */
const rowsOf = (page: Page, caption: RegExp) =>
  page
    .locator('table', { has: page.locator('caption', { hasText: caption }) })
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) =>
        Array.from((row as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells, (cell) =>
          (cell.textContent ?? '').trim(),
        ),
      ),
    );

describe('the programme report', () => {
  it('opens from disk loading nothing else, shows the run’s figures, and is accessible and readable at 375 px', async () => {
    const file = join(folder, 'report.html');
    writeFileSync(file, programmeReportHtml(report));
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(pathToFileURL(file).toString());
    expect(requested).toEqual([pathToFileURL(file).toString()]);
    expect(await page.locator('h1').innerText()).toBe('Programme report');

    const north = await rowsOf(page, /North primary PD Leads/);
    expect(north.map(([stage, count]) => [stage, count])).toEqual([
      ['Enrolled', '1'],
      ['Senior leader committed', '1'],
      ['Development day 1', '1'],
      ['Interim task', '1'],
      ['Development day 2', '1'],
      [expect.stringMatching(/^Planning, Evaluation and Reflection Framework/), '1'],
      ['Accredited', '1'],
      ['Re-registered', '0'],
    ]);
    const south = await rowsOf(page, /South PD Leads/);
    expect(south.slice(0, 3).map(([stage, count]) => [stage, count])).toEqual([
      ['Enrolled', '1'],
      ['Senior leader committed', '1'],
      ['Development day 1', '0'],
    ]);
    const overdue = await rowsOf(page, /overdue/);
    expect(overdue).toEqual([
      [
        expect.stringContaining(ids.late),
        'Cohort lead',
        'day-1',
        expect.stringMatching(/^\w+day \d+ \w+ \d{4}$/),
      ],
    ]);
    expect(await rowsOf(page, /Teachers and schools reached/)).toEqual([[termTitle, '1', '14', '3']]);

    lesserFindings.push(...(await checkFormPage(page, 'programme report', 'programme-report.png')));
  });

  it('the CSV for returns carries the same funnel and reach, one row each', () => {
    const lines = programmeReportCsv(report).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'section,cohort_id,cohort,maths_hub,programme,stage_or_term,participants,reports,teachers,schools',
    );
    expect(lines).toContain(
      'funnel,report-north,North primary PD Leads,North Star Maths Hub,NCETM Professional Development Lead accreditation,Accredited,1,,,',
    );
    expect(lines).toContain(`termly reach,,All cohorts,,,${termTitle},,1,14,3`);
  });
});
