import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoBreaches } from '../support/invariants.js';
import { JourneyScenario, journeySeed } from '../support/journeys.js';
import { restartLocalSystem, startDurableSystem, systemDirs } from '../support/restart.js';

/**
 * The whole system at once: dozens of participants over several cohorts, each on a journey drawn from a
 * seed (JOURNEY_SEED replays one), from enrolment through the accredited years, with the admin's
 * interventions and a restart of the local system half-way. People answer only through the links in
 * their emails; the admin only through commands.
 */
const dirs = systemDirs();
let scenario: JourneyScenario | undefined;
afterAll(async () => {
  // The system running now: after the restart half-way, the one the scenario started.
  await scenario?.system.stop();
  dirs.remove();
});

describe('random journeys through the whole lifecycle', () => {
  it('end with everyone finished or parked where their record says, nothing failed, nothing sent after withdrawal', async () => {
    const started = performance.now();
    scenario = new JourneyScenario(await startDurableSystem(dirs), journeySeed(), (running) =>
      restartLocalSystem(running, dirs),
    );
    const report = await scenario.run();
    const wallSeconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `Random journeys, seed ${report.seed} (JOURNEY_SEED=${report.seed} replays it): ${report.participants} participants over ${report.simulatedDays} days in ${wallSeconds} s; ` +
        `${report.emails} emails, ${report.executions} executions, ${report.transitions} state transitions; ` +
        `${report.restarted ? 'restarted half-way' : 'not restarted'}; ` +
        `final stages ${JSON.stringify(report.finalStages)}; admin commands ${JSON.stringify(report.interventions)}`,
    );

    expect(report.problems).toEqual([]);
    expect(report.participants).toBeGreaterThanOrEqual(30);
    expect(report.restarted).toBe(true);
    await expectNoBreaches(scenario.system);
  }, 300_000);
});
