import { describe, expect, it } from 'vitest';
import { type BucketClock, TokenBucket } from '../../infra/cli/token-bucket.js';

/** Time that moves only when a caller sleeps: the bucket's behaviour, to the millisecond, in no time. */
function controllableClock() {
  let now = 0;
  const clock: BucketClock = {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
  return { clock, at: () => now };
}

describe('the client-side token bucket', () => {
  it('lets a burst go at once, then one call per refill interval, in order', async () => {
    const { clock, at } = controllableClock();
    const bucket = new TokenBucket({ burst: 3, refillPerSecond: 10, clock });
    const taken: number[] = [];
    await Promise.all(Array.from({ length: 6 }, () => bucket.take().then(() => taken.push(at()))));
    expect(taken.map((ms) => Math.round(ms))).toEqual([0, 0, 0, 100, 200, 300]);
  });

  it("matches Step Functions' StartExecution quota: 10,000 calls take (10,000 − 800) / 150 seconds", async () => {
    const { clock, at } = controllableClock();
    const bucket = new TokenBucket({ burst: 800, refillPerSecond: 150, clock });
    for (let i = 0; i < 10_000; i++) await bucket.take();
    expect(at() / 1000).toBeCloseTo(9_200 / 150, 3);
  });

  it('refills while idle, never above its size', async () => {
    const { clock } = controllableClock();
    const bucket = new TokenBucket({ burst: 5, refillPerSecond: 2, clock });
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(bucket.available()).toBe(0);
    await clock.sleep(1_000);
    expect(bucket.available()).toBeCloseTo(2);
    await clock.sleep(60_000);
    expect(bucket.available()).toBe(5);
  });

  it('refuses a bucket that could never give a token', () => {
    expect(() => new TokenBucket({ burst: 0, refillPerSecond: 150 })).toThrow(RangeError);
    expect(() => new TokenBucket({ burst: 800, refillPerSecond: 0 })).toThrow(RangeError);
  });
});
