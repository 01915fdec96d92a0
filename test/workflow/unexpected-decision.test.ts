import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowTaskName } from '../../functions/catalog.js';
import { ReportLifecycleFailure } from '../../functions/lifecycle/report-lifecycle-failure.js';
import { lambdaContext } from '../../infra/local/lambda-context.js';
import { type LocalFunction, LocalStepFunctions } from '../../infra/local/step-functions.js';
import type { LocalSystem } from '../../infra/local/system.js';
import {
  readWorkflow,
  substitute,
  type WorkflowName,
  workflowSubstitutions,
} from '../../workflows/definitions.js';
import { enrol, mailbox, startTestSystem, testCohort } from '../support/local-system.js';

/**
 * A step that says something its Choice does not know (a new decision deployed before the ASL that
 * reads it) must reach the admin like any failure. The real ASL runs with the real failure report; only
 * the deciding step is replaced, by one that answers what no Choice expects.
 */
let system: LocalSystem;
beforeEach(async () => {
  system = await startTestSystem();
});
afterEach(() => system.stop());

/** The steps before the decision, stubbed as a signed commitment: only the decision matters here. */
const signed = {
  AdvanceCommitment: async () => ({ decision: 'signed', waitSeconds: 0 }),
  NotifyCommitmentOutcome: async () => ({}),
};

function runWith(
  workflow: WorkflowName,
  decidingStep: WorkflowTaskName,
  unexpected: object,
  participantId: string,
) {
  const report = ReportLifecycleFailure.handler(() => system.dependencies);
  const stepFunctions = new LocalStepFunctions({
    clock: system.clock,
    functions: new Map<string, LocalFunction>([
      ...Object.entries(signed),
      [decidingStep, async () => unexpected],
      [
        'ReportLifecycleFailure',
        (payload) => report(payload as never, lambdaContext('ReportLifecycleFailure')),
      ],
    ]),
    region: 'eu-west-2',
    account: '000000000000',
    retryIntervalMs: 0,
  });
  const arn = stepFunctions.createStateMachine(
    workflow,
    substitute(
      readWorkflow(workflow),
      workflowSubstitutions((name) => `arn:aws:lambda:eu-west-2:000000000000:function:${name}`, 'unused'),
    ),
  );
  return stepFunctions.startExecution(arn, `${participantId}-probe`, JSON.stringify({ participantId }));
}

describe('an unexpected decision', () => {
  it.each([
    ['ParticipantLifecycle', 'AdvanceProgramme', { next: 'somewhere-new' }, 'LifecycleFailed'],
    ['ParticipantLifecycle', 'AdvanceProgramme', { next: 'wait', kind: 'field-trip' }, 'LifecycleFailed'],
    ['AccreditedYears', 'AdvanceAccreditedYears', { next: 'somewhere-new' }, 'AccreditedYearsFailed'],
    ['AccreditedYears', 'AdvanceAccreditedYears', { next: 'wait', open: 'survey' }, 'AccreditedYearsFailed'],
  ] as const)(
    'in %s, %s saying %o reaches the admin, and the execution ends at %s',
    async (workflow, step, unexpected, failed) => {
      await system.admin({ command: 'create-cohort', cohort: testCohort });
      const { participantId } = await enrol(system, { email: 'unexpected@school.test' });
      const execution = runWith(
        workflow,
        step,
        { ...unexpected, waitSeconds: 60, revision: 3 },
        participantId,
      );
      await execution.done;
      expect(execution.status).toBe('FAILED');
      expect(execution.error, execution.cause).toBe(failed);
      expect(execution.statesEntered.slice(-3)).toEqual([
        'UnexpectedDecision',
        'NotifyAdminOfFailure',
        failed,
      ]);
      const email = await mailbox(system).waitForEmail(
        system.dependencies.settings.ADMIN_EMAIL,
        /^Action needed: the lifecycle of Asha Patel/,
      );
      expect(email.body.text).toContain('(UnexpectedDecision)');
      expect(email.body.text).toContain(JSON.stringify(Object.values(unexpected).at(-1)));
    },
  );
});
