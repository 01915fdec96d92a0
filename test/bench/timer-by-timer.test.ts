import { describe, expect, it } from 'vitest';
import { ControllableClock } from '../../infra/local/clock.js';

const DAY = 86_400_000;

/** A wait that, each time it is due, looks (asynchronously, as a Lambda would) and waits a day again. */
function dailyLook(clock: ControllableClock) {
  const looks: number[] = [];
  let pending = Promise.resolve();
  const arm = () =>
    clock.at(new Date(clock.now().getTime() + DAY), () => {
      looks.push(clock.now().getTime());
      pending = new Promise<void>((done) => setTimeout(done, 1)).then(() => {
        arm();
      });
    });
  arm();
  return { looks, settled: () => pending };
}

describe('the local clock, advanced timer by timer', () => {
  it('runs every wake-up a week of daily waits has, where one jump runs one', async () => {
    const jumped = new ControllableClock();
    const once = dailyLook(jumped);
    jumped.advance(7 * DAY + 60_000);
    await once.settled();
    expect(once.looks).toHaveLength(1);

    const clock = new ControllableClock();
    const start = clock.now().getTime();
    const daily = dailyLook(clock);
    const fired = await clock.advanceTimerByTimer(new Date(start + 7 * DAY + 60_000), daily.settled);
    expect(fired).toBe(7);
    expect(daily.looks).toHaveLength(7);
    // Each at its own day (within the second a batch spans, and the real time the looks took).
    daily.looks.forEach((at, i) => {
      expect(at - start).toBeGreaterThanOrEqual((i + 1) * DAY);
      expect(at - start).toBeLessThan((i + 1) * DAY + 60_000);
    });
    expect(clock.now().getTime() - start).toBeGreaterThanOrEqual(7 * DAY + 60_000);
  });

  it('fires a deadline when it is due, and nothing due after the instant it moves to', async () => {
    const clock = new ControllableClock();
    const start = clock.now().getTime();
    const fired: string[] = [];
    clock.at(new Date(start + 2 * DAY), () => fired.push('year over'), { deadline: true });
    clock.at(new Date(start + 5 * DAY), () => fired.push('later'));
    await clock.advanceTimerByTimer(new Date(start + 3 * DAY), async () => undefined);
    expect(fired).toEqual(['year over']);
    expect(clock.pendingTimers).toBe(1);
  });
});
