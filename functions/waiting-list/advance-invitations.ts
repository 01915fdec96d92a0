import * as z from 'zod';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { idempotency } from '../shared/parts/idempotency.js';
import { mailer } from '../shared/parts/mailer.js';
import { store } from '../shared/parts/store.js';
import { workflow } from '../shared/parts/workflow.js';
import { defineTask } from '../shared/task-handler.js';
import { type InvitationsProgress, inviteFromWaitingList } from './invitations.js';

/**
 * The step of the WaitingListInvitations workflow: settles answers, lets lapsed invitations go, invites
 * the next people for the places free, and says what to wait for (or that the cohort is full or started).
 */
export const AdvanceInvitations = defineTask({
  name: 'AdvanceInvitations',
  input: z.object({ cohortId: z.string().min(1) }),
  run: ({ cohortId }, deps: Dependencies): Promise<InvitationsProgress> =>
    inviteFromWaitingList(cohortId, deps),
});
export const handler = AdvanceInvitations.handler(
  composedFor('AdvanceInvitations', store, idempotency, mailer, workflow),
);
