import pLimit from 'p-limit';

/**
 * How many Lambda invocations run at once locally. On AWS each concurrent invocation has an execution
 * environment, and a share of a core, of its own; here they all share the functions' one thread, so ten
 * thousand at once (a bulk enrolment, or every participant woken by the same date) would each take ten
 * thousand times as long and run out of their 30 seconds where on AWS none would. Beyond this many, an
 * invocation waits for a slot, and its timeout counts from when it starts, as Lambda's does from when an
 * environment takes it.
 */
export const LOCAL_CONCURRENT_INVOCATIONS = 64;

/** Runs an invocation in a slot: at once if one is free, else when one frees, in the order asked. */
export const inInvocationSlot: <T>(invocation: () => Promise<T>) => Promise<T> = pLimit(
  LOCAL_CONCURRENT_INVOCATIONS,
);
