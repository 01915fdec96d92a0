import { Participant, type Stage } from '../../functions/domain/participant.js';

/** Asha Patel's record (`p-1`) at a stage, as the pure functions read it, with whatever else a test sets. */
export const recordAt = (stage: Stage, record: Partial<Participant> = {}) =>
  Participant.parse({
    participantId: 'p-1',
    person: { name: 'Asha Patel', email: 'asha@school.test' },
    school: 'Hillside Primary',
    seniorLeader: { name: 'Sam Okafor', email: 'head@school.test' },
    programmeId: 'ncetm-pd-lead',
    pathway: 'primary',
    cohortId: 'north-primary-2027',
    stage,
    enrolledAt: '2027-01-01T09:00:00.000Z',
    ...record,
  });
