import { SFNClient } from '@aws-sdk/client-sfn';
import type { Part } from '../composition.js';
import { stepFunctionsWorkflow, type Workflow } from '../workflow.js';

/** Step Functions: the state machines this function starts, describes, stops or hands answers to. */
export const workflow: Part<{ workflow: Workflow }> = {
  name: 'workflow',
  build: ({ client, settings }) => ({
    workflow: stepFunctionsWorkflow(
      client('sfn', (config) => new SFNClient(config), true),
      {
        ParticipantLifecycle: settings.STATE_MACHINE_ARN,
        AccreditedYears: settings.ACCREDITED_YEARS_STATE_MACHINE_ARN,
        WaitingListInvitations: settings.WAITING_LIST_STATE_MACHINE_ARN,
      },
    ),
  }),
};
