import { describe, expect, it } from 'vitest';
import { readWorkflow, type WorkflowName, workflowFiles } from '../../workflows/definitions.js';
import { retryPolicy } from '../../workflows/retry-policy.js';

type Retrier = { ErrorEquals: string[]; MaxAttempts?: number };
type State = { Type: string; Retry?: Retrier[] };

describe.each(Object.keys(workflowFiles) as WorkflowName[])('the retries of %s', (workflow) => {
  const states = Object.entries(
    (JSON.parse(readWorkflow(workflow)) as { States: Record<string, State> }).States,
  );
  const tasks = states.filter(([, state]) => state.Type === 'Task');

  it('retry every task by the one policy, with full jitter, after the errors it never retries', () => {
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, state] of tasks) {
      const retry = state.Retry ?? [];
      // Errors a retry cannot mend (bad input, a missing participant, an execution that exists) come first.
      const neverRetried = retry.slice(0, -1);
      expect(
        neverRetried.every((r) => r.MaxAttempts === 0),
        name,
      ).toBe(true);
      expect(retry.at(-1), name).toEqual(retryPolicy);
    }
  });

  it('has no Retry outside a task', () => {
    for (const [name, state] of states.filter(([, s]) => s.Type !== 'Task'))
      expect(state.Retry, name).toBeUndefined();
  });
});
