import type { Clock } from '../../functions/domain/time.js';

interface Timer {
  at: number;
  fire: () => void;
  /** A deadline (an execution's year) is nobody waiting: `pendingTimers` leaves it out. */
  deadline: boolean;
  handle?: NodeJS.Timeout;
}

/** Node's setTimeout cannot wait longer than this; longer timers re-arm. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The local runtime's time: real time plus an offset that `advance` moves forward, so "two weeks
 * later" takes milliseconds. Timers fire when real time reaches them or when `advance` passes them.
 */
export class ControllableClock implements Clock {
  private readonly timers = new Set<Timer>();
  /**
   * The offset, in memory a worker thread can read too (the DynamoDB service's stream stamps its records
   * by it): one aligned 64-bit slot, written only here.
   */
  readonly sharedOffset = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT);
  private readonly offsetSlot = new Float64Array(this.sharedOffset);

  /** `offsetMs`: how far ahead of real time it starts, as a restarted local system resumes it. */
  constructor(offsetMs = 0) {
    this.offsetSlot[0] = offsetMs;
  }

  /** How far ahead of real time it runs. */
  get offset(): number {
    return this.offsetSlot[0] as number;
  }

  now(): Date {
    return new Date(Date.now() + this.offset);
  }

  /** Calls `fire` at `at` on this clock. Returns a cancel function. */
  at(at: Date, fire: () => void, { deadline = false } = {}): () => void {
    const timer: Timer = { at: at.getTime(), fire, deadline };
    this.timers.add(timer);
    this.arm(timer);
    return () => this.cancel(timer);
  }

  /** Moves time forward and fires, in order, every timer that is now due. */
  advance(ms: number): Date {
    this.offsetSlot[0] = this.offset + ms;
    const due = [...this.timers].filter((t) => t.at <= this.now().getTime()).sort((a, b) => a.at - b.at);
    for (const timer of due) this.trigger(timer);
    return this.now();
  }

  /**
   * Moves time to `to` the way real time would pass: to the next timer's instant, fires every timer due
   * by then (those within `batchMs` of it too: they belong to the same moment, as a cohort's executions
   * wake together), waits for `settle` (what they woke is parked again, and may have set new timers),
   * and repeats. Every wake-up AWS would run and bill runs here, where `advance` fires each due timer
   * once and skips what those wake-ups would have scheduled before `to`. Returns how many it fired.
   */
  async advanceTimerByTimer(to: Date, settle: () => Promise<void>, { batchMs = 1000 } = {}): Promise<number> {
    let fired = 0;
    for (;;) {
      const next = Math.min(...[...this.timers].map((t) => t.at));
      if (!(next <= to.getTime())) break;
      const at = Math.min(next + batchMs, to.getTime());
      fired += [...this.timers].filter((t) => t.at <= at).length;
      if (at > this.now().getTime()) this.advance(at - this.now().getTime());
      else this.advance(0);
      await settle();
    }
    if (to.getTime() > this.now().getTime()) this.advance(to.getTime() - this.now().getTime());
    return fired;
  }

  /** How many timers are waiting, deadlines aside: lets a test see that an execution is parked. */
  get pendingTimers(): number {
    return [...this.timers].filter((t) => !t.deadline).length;
  }

  /** Drops every timer: nothing fires after the local system stops. */
  cancelAll() {
    for (const timer of [...this.timers]) this.cancel(timer);
  }

  private arm(timer: Timer) {
    const delay = Math.min(MAX_TIMEOUT_MS, Math.max(0, timer.at - this.now().getTime()));
    timer.handle = setTimeout(() => {
      if (timer.at <= this.now().getTime()) this.trigger(timer);
      else this.arm(timer);
    }, delay);
    timer.handle.unref();
  }

  private trigger(timer: Timer) {
    if (!this.timers.has(timer)) return;
    this.cancel(timer);
    timer.fire();
  }

  private cancel(timer: Timer) {
    clearTimeout(timer.handle);
    this.timers.delete(timer);
  }
}

/** The clock of a ControllableClock in another thread, read from its shared offset: it moves as that one does. */
export function sharedClock(sharedOffset: SharedArrayBuffer): Clock {
  const offset = new Float64Array(sharedOffset);
  return { now: () => new Date(Date.now() + (offset[0] as number)) };
}
