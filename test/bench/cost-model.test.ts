import { describe, expect, it } from 'vitest';
import { cost, dailyPolling, floor, type Measured, prices, totals } from './cost-model.js';

/** Two participants' counts, small enough to check by hand. */
const measured: Measured = {
  participants: 2,
  days: 10,
  executions: 4,
  events: 6,
  transitionsByMachine: { ParticipantLifecycle: 60, AccreditedYears: 40 },
  meanDurationMs: { AdvanceProgramme: 100 },
  initMs: 400,
  usage: {
    functions: {
      AdvanceProgramme: { invocations: 10, durationMs: 5000, coldStarts: 2, logBytes: 1000 },
      Forms: { invocations: 4, durationMs: 200, coldStarts: 1, logBytes: 0 },
    },
    calls: {
      AdvanceProgramme: {
        'dynamodb:GetItem': { calls: 10, capacityUnits: 10 },
        'dynamodb:UpdateItem': { calls: 5, capacityUnits: 7 },
        'ses:SendEmail': { calls: 3, capacityUnits: 0 },
      },
      Forms: { 'dynamodb:Query': { calls: 2, capacityUnits: 1 } },
      '(outside)': { 'dynamodb:GetItem': { calls: 100, capacityUnits: 100 } },
    },
    requests: { 'GET /r/{secret}': 3, 'POST /r/{secret}': 2 },
    wakeUps: { answer: 2, timer: 8, necessary: 5 },
  },
};

describe('the cost model of npm run bench', () => {
  const t = totals(measured);

  it('sums what the functions used, leaving out the harness’s own calls', () => {
    expect(t.dynamodbCalls).toBe(10 + 5 + 2);
    expect(t.dynamodbByOperation).toEqual({ GetItem: 10, UpdateItem: 5, Query: 2 });
    expect([t.readUnits, t.writeUnits]).toEqual([10 + 1, 7]);
    expect([t.emails, t.formPosts, t.formPages, t.requests, t.transitions]).toEqual([3, 2, 3, 5, 100]);
    // The solo run's mean where there is one, the run's own otherwise; at 0.5 GB.
    expect(t.gbSeconds).toBeCloseTo((10 * 0.1 + 4 * 0.05) * 0.5);
  });

  it('puts the floor at what the necessary wake-ups, form pages and posts, and emails need', () => {
    expect(floor(measured, t)).toEqual({
      transitions: 2 * 4 + 3 * 5,
      dynamodbCalls: 2 * 5 + 2 * 2 + 3 + 3,
    });
  });

  it('adds a wake-up a day per participant for the design that polls daily', () => {
    const polling = dailyPolling(measured, t);
    expect(polling.transitions - t.transitions).toBe(3 * 10 * 2);
    expect(polling.invocations - t.invocations).toBe(2 * 10 * 2);
    expect(polling.readUnits - t.readUnits).toBe(10 * 2);
    expect(cost(measured, polling).total).toBeGreaterThan(cost(measured, t).total);
  });

  it('prices each line by its count', () => {
    const { lines, total } = cost(measured, t);
    expect(lines['Step Functions transitions']).toBeCloseTo(100 * prices.transition.usd);
    expect(lines['Lambda INIT (billed cold starts)']).toBeCloseTo(
      3 * 0.4 * 0.5 * prices.lambdaArmGbSecond.usd,
    );
    expect(total).toBeCloseTo(Object.values(lines).reduce((a, b) => a + b, 0));
  });
});
