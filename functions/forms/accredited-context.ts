import type { Accreditation } from '../domain/programme.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { Asked } from './form.js';
import { participantContext, requestStepId } from './form-parts.js';

/** An accredited lead's form (termly feedback, re-registration): the lead, their plan, and what is asked. */
export async function accreditedContext(request: Asked, deps: Dependencies) {
  const { participant, programme } = await participantContext(request, deps);
  const plan: Accreditation | undefined = programme.accreditation;
  if (!participant.accreditation || !plan)
    throw new Error(
      `${participant.participantId} is asked ${requestStepId(request)} without an accreditation`,
    );
  return {
    participant,
    programme,
    plan,
    accreditedAt: new Date(participant.accreditation.accreditedAt),
    stepId: requestStepId(request),
  };
}
