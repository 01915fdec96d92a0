import type { Context } from 'aws-lambda';
import { afterEach, expect, it, vi } from 'vitest';
import { ControllableClock } from '../../infra/local/clock.js';
import { LOCAL_CONCURRENT_INVOCATIONS } from '../../infra/local/invocation-slots.js';
import { invokeLocally } from '../../infra/local/lambda-context.js';
import { usage } from '../../infra/local/usage.js';

afterEach(() => {
  vi.useRealTimers();
});

it('runs at most LOCAL_CONCURRENT_INVOCATIONS at once; the others start as slots free, each with its whole timeout', async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  const queued = 10;
  let running = 0;
  let most = 0;
  const releases: (() => void)[] = [];
  const remainingAtStart: number[] = [];
  const handler = async (_event: unknown, context: Context) => {
    remainingAtStart.push(context.getRemainingTimeInMillis());
    running++;
    most = Math.max(most, running);
    await new Promise<void>((release) => releases.push(release));
    running--;
  };
  const invocations = Array.from({ length: LOCAL_CONCURRENT_INVOCATIONS + queued }, () =>
    invokeLocally('AwaitChange', handler, {}),
  );
  await vi.waitFor(() => expect(releases).toHaveLength(LOCAL_CONCURRENT_INVOCATIONS));
  // The queued ones wait 20 s of the clock for a slot; their 30 s start when they do.
  vi.setSystemTime(Date.now() + 20_000);
  for (const release of releases.splice(0, queued)) release();
  await vi.waitFor(() => expect(remainingAtStart).toHaveLength(LOCAL_CONCURRENT_INVOCATIONS + queued));
  for (const release of releases.splice(0)) release();
  await Promise.all(invocations);

  expect(most).toBe(LOCAL_CONCURRENT_INVOCATIONS);
  expect(remainingAtStart).toEqual(Array(LOCAL_CONCURRENT_INVOCATIONS + queued).fill(30_000));
});

it('meters an invocation as asked for: one waiting for a slot still had an environment of its own on AWS', async () => {
  usage.start(new ControllableClock());
  try {
    let open = false;
    const releases: (() => void)[] = [];
    const handler = () => (open ? Promise.resolve() : new Promise<void>((release) => releases.push(release)));
    const asked = LOCAL_CONCURRENT_INVOCATIONS + 10;
    const invocations = Array.from({ length: asked }, () => invokeLocally('AwaitChange', handler, {}));
    await vi.waitFor(() => expect(releases).toHaveLength(LOCAL_CONCURRENT_INVOCATIONS));
    expect(usage.snapshot().functions.AwaitChange).toMatchObject({ invocations: asked, coldStarts: asked });
    open = true;
    for (const release of releases) release();
    await Promise.all(invocations);
  } finally {
    usage.stop();
  }
});
