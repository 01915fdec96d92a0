/** The time a token bucket runs on: real time in the CLI, a controllable one in tests. */
export interface BucketClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: BucketClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
};

export interface TokenBucketOptions {
  /** How many calls may go at once after a quiet spell (Step Functions' bucket size). */
  burst: number;
  /** Tokens added per second (Step Functions' refill rate). */
  refillPerSecond: number;
  clock?: BucketClock;
}

/**
 * A client-side token bucket, as AWS meters API calls: it starts full, each call takes a token, and
 * tokens come back at a steady rate up to the bucket's size. Waiting for a token here keeps the calls
 * under the service's quota, so they are not throttled there.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly clock: BucketClock;
  /** Callers waiting for a token, served in order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.burst >= 1) || !(options.refillPerSecond > 0))
      throw new RangeError('A token bucket needs a burst of at least 1 and a positive refill rate');
    this.clock = options.clock ?? realClock;
    this.tokens = options.burst;
    this.last = this.clock.now();
  }

  /** Tokens available now (fractions are part-refilled ones). */
  available(): number {
    const now = this.clock.now();
    this.tokens = Math.min(
      this.options.burst,
      this.tokens + ((now - this.last) / 1000) * this.options.refillPerSecond,
    );
    this.last = now;
    return this.tokens;
  }

  /** Takes a token if one is there now, as a service's quota does (false: the call is throttled). */
  tryTake(): boolean {
    if (this.available() < 1 - 1e-9) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    return true;
  }

  /** Resolves once a token is taken: at once while any is left, then at the refill rate, first come first served. */
  take(): Promise<void> {
    const turn = this.queue.then(async () => {
      // Within a rounding error of a whole token is one: a wait shorter than the clock can tell would never end.
      for (let available = this.available(); available < 1 - 1e-9; available = this.available())
        await this.clock.sleep(((1 - available) / this.options.refillPerSecond) * 1000);
      this.tokens = Math.max(0, this.tokens - 1);
    });
    this.queue = turn;
    return turn;
  }
}
