/**
 * The one retry policy of every task in both workflows. ASL cannot refer to a shared value, so each
 * Retry repeats it after the state's own never-retried errors, and test/unit/retry-policy.test.ts keeps
 * every copy identical to this one. Full jitter: a cohort-wide change (a moved date wakes every
 * execution of the cohort at once) must not retry in lockstep against a throttled Lambda or table.
 */
export const retryPolicy = {
  ErrorEquals: ['States.TaskFailed'],
  IntervalSeconds: 2,
  MaxAttempts: 6,
  BackoffRate: 2,
  MaxDelaySeconds: 60,
  JitterStrategy: 'FULL',
} as const;
