import {
  CommitmentAnswer,
  type CommitmentFormValues,
  existingCommitment,
  toCommitment,
} from '../domain/commitment.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import { type Asked, keptPage, type RequestForm } from './form.js';
import { participantAsked } from './form-parts.js';
import {
  alreadyAnsweredPage,
  alreadyRecordedPage,
  answerRecordedPage,
  commitmentFormPage,
  expiredLinkPage,
} from './pages.js';

const fields: (keyof CommitmentFormValues)[] = ['decision', 'signedBy', 'role', 'agree', 'reason'];

async function context(request: Asked, deps: Dependencies) {
  const participant = await participantAsked(request, deps);
  return { participant, programme: programmeById(participant.programmeId) };
}

/** The senior leader's commitment: sign (typed name, role, tick) or decline with a reason. */
export const commitmentForm: RequestForm = {
  fields: async () => fields,

  async show(request, deps) {
    const { participant, programme } = await context(request, deps);
    return commitmentFormPage(participant, programme, new Date(request.expiresAt));
  },

  /**
   * Records the answer on the request (the first answer wins) with the page it gets, copies it to the
   * participant, wakes the wait.
   */
  async answer(request, values, evidence, deps) {
    const { participant, programme } = await context(request, deps);
    const parsed = CommitmentAnswer.safeParse(values);
    if (!parsed.success)
      return commitmentFormPage(
        participant,
        programme,
        new Date(request.expiresAt),
        values,
        formErrors(values),
      );

    const now = deps.clock.now();
    const commitment = toCommitment(parsed.data, {
      answeredAt: now,
      textVersion: programme.commitment.textVersion,
      ...evidence,
    });
    const recorded = answerRecordedPage(participant, commitment);
    const answered = await deps.store.requests.answer(request, commitment, now, keptPage(recorded));
    if (!answered) return expiredLinkPage();
    await deps.store.participants.recordCommitment(participant.participantId, commitment);
    if (answered.taskToken)
      await deps.workflow.completeTask(answered.taskToken, { decision: commitment.decision });
    return recorded;
  },

  async alreadyAnswered(request) {
    const commitment = existingCommitment(request);
    return commitment ? alreadyAnsweredPage(commitment) : alreadyRecordedPage('This commitment');
  },

  expired: async () => expiredLinkPage(),
};

/**
 * Every problem with the form at once, worded for the person: when no choice was made we still check
 * the name and role, so they fix everything in one go.
 */
function formErrors(values: CommitmentFormValues): Partial<Record<keyof CommitmentFormValues, string>> {
  const chosen = values.decision === 'signed' || values.decision === 'declined';
  const result = CommitmentAnswer.safeParse({
    ...values,
    decision: chosen ? values.decision : 'declined',
    reason: chosen ? values.reason : 'x',
  });
  const errors: Partial<Record<keyof CommitmentFormValues, string>> = {};
  for (const issue of result.error?.issues ?? []) {
    const field = String(issue.path[0]) as keyof CommitmentFormValues;
    errors[field] ??= issue.message;
  }
  if (!chosen) errors.decision = 'Choose whether you can commit to supporting them';
  return errors;
}
