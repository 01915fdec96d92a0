import { describe, expect, it } from 'vitest';
import { milestoneDetails } from '../../events/milestones.js';
import { milestones } from '../../functions/domain/milestones.js';
import { Participant } from '../../functions/domain/participant.js';

/** The milestones a change announces, worked out from the record before and after, as the stream gives them. */
const changedAt = new Date('2027-03-01T12:00:00.000Z');
const announced = (before: unknown, after: unknown) =>
  milestones(before, after, { mathsHub: 'North Star Maths Hub', changedAt });
const types = (before: unknown, after: unknown) => announced(before, after).map((m) => m.detailType);

const enrolled = Participant.parse({
  participantId: 'p-asha',
  person: { name: 'Asha Patel', email: 'asha@hillside.test' },
  school: 'Hillside Primary',
  seniorLeader: { name: 'Sam Okafor', email: 'head@hillside.test', role: 'Head teacher' },
  programmeId: 'ncetm-pd-lead',
  pathway: 'primary',
  cohortId: 'north-2027',
  stage: 'awaiting-commitment',
  enrolledAt: '2027-01-02T09:00:00.000Z',
});
const signed = {
  ...enrolled,
  stage: 'in-programme' as const,
  commitment: {
    decision: 'signed' as const,
    signedBy: 'Sam Okafor',
    role: 'Head teacher',
    answeredAt: '2027-01-03T09:00:00.000Z',
    textVersion: 'v1',
    ipAddress: '192.0.2.1',
    userAgent: 'Firefox',
  },
};
const day = (outcome: 'attended' | 'absent', recordedAt: string) => ({
  outcome,
  recordedAt,
  recordedBy: 'Casey Lead',
});
const submitted = (attempt: number, submittedAt: string) => ({
  outcome: 'submitted' as const,
  attempt,
  submittedAt,
  answers: { plan: 'Lesson study with Year 5' },
});
const withProgress = (record: Participant, progress: Participant['progress']) => ({
  ...record,
  progress: { ...record.progress, ...progress },
  revision: record.revision + 1,
});

describe('milestones(before, after)', () => {
  it('a new record announces the enrolment, with ids and facts only', () => {
    expect(announced(undefined, enrolled)).toEqual([
      {
        detailType: 'ParticipantEnrolled',
        detail: {
          milestoneId: 'p-asha/ParticipantEnrolled',
          participantId: 'p-asha',
          programmeId: 'ncetm-pd-lead',
          pathway: 'primary',
          cohortId: 'north-2027',
          mathsHub: 'North Star Maths Hub',
          at: '2027-01-02T09:00:00.000Z',
        },
      },
    ]);
  });

  it('each outcome recorded announces its milestone, with the step, attempt and outcome', () => {
    const steps: [Participant['progress'], string, object][] = [
      [
        { 'day-1': day('attended', '2027-02-01T16:00:00.000Z') },
        'DevelopmentDayAttended',
        { stepId: 'day-1' },
      ],
      [{ 'day-2': day('absent', '2027-04-01T16:00:00.000Z') }, 'DevelopmentDayMissed', { stepId: 'day-2' }],
      [
        { 'interim-task': submitted(1, '2027-03-01T10:00:00.000Z') },
        'TaskSubmitted',
        { stepId: 'interim-task', attempt: 1 },
      ],
      [
        {
          'interim-feedback': {
            outcome: 'feedback-given',
            givenAt: '2027-03-05T10:00:00.000Z',
            givenBy: 'Casey Lead',
            feedback: 'Say more about impact',
          },
        },
        'FeedbackGiven',
        { stepId: 'interim-feedback' },
      ],
      [{ pdlperf: submitted(1, '2027-05-01T10:00:00.000Z') }, 'FrameworkSubmitted', { stepId: 'pdlperf' }],
      [
        {
          assessment: {
            outcome: 'not-accredited',
            attempt: 1,
            decidedAt: '2027-05-20T10:00:00.000Z',
            decidedBy: 'Casey Lead',
            feedback: 'Reasons',
          },
        },
        'ParticipantAssessed',
        { stepId: 'assessment', attempt: 1, outcome: 'not-accredited' },
      ],
      [
        {
          'termly-autumn-2027': {
            outcome: 'reported',
            reportedAt: '2027-12-01T10:00:00.000Z',
            counts: { teachers: 14, schools: 3 },
            answers: { impact: 'Pupils reason more' },
          },
        },
        'TermlyReportGiven',
        { stepId: 'termly-autumn-2027', counts: { teachers: 14, schools: 3 } },
      ],
      [
        { 'termly-spring-2028': { outcome: 'missed', at: '2028-04-20T16:00:00.000Z' } },
        'TermlyReportMissed',
        { stepId: 'termly-spring-2028' },
      ],
    ];
    for (const [progress, detailType, facts] of steps) {
      const [milestone, ...more] = announced(signed, withProgress(signed, progress));
      expect(more).toEqual([]);
      expect(milestone).toMatchObject({ detailType, detail: facts });
      expect(
        milestoneDetails[milestone?.detailType ?? 'ParticipantEnrolled'].safeParse(milestone?.detail).success,
      ).toBe(true);
    }
  });

  it('a missed re-registration announces nothing of its own (its lapse does)', () => {
    expect(
      types(
        signed,
        withProgress(signed, { 're-registration-1': { outcome: 'missed', at: '2028-03-01T17:00:00.000Z' } }),
      ),
    ).toEqual([]);
  });

  it('the commitment signed, declined or expired', () => {
    expect(types(enrolled, signed)).toEqual(['CommitmentSigned']);
    const declined = {
      ...signed,
      stage: 'commitment-declined',
      commitment: { ...signed.commitment, decision: 'declined' },
    };
    expect(types(enrolled, declined)).toEqual(['CommitmentDeclined']);
    expect(types(enrolled, { ...enrolled, stage: 'commitment-expired' })).toEqual(['CommitmentExpired']);
    expect(announced(enrolled, { ...enrolled, stage: 'commitment-expired' })[0]?.detail.at).toBe(
      changedAt.toISOString(),
    );
  });

  it('changes that are no milestone announce nothing: an address, an anonymised name or answer, a token, a revision', () => {
    const underWay = withProgress(signed, {
      'day-1': day('attended', '2027-02-01T16:00:00.000Z'),
      'interim-task': submitted(1, '2027-03-01T10:00:00.000Z'),
    });
    const changes = [
      { ...underWay, person: { ...underWay.person, email: 'asha.new@hillside.test' } },
      {
        ...underWay,
        person: { name: 'Erased', email: 'erased@invalid' },
        seniorLeader: { name: 'Erased', email: 'erased@invalid' },
      },
      {
        ...underWay,
        commitment: { ...underWay.commitment, signedBy: 'Erased', ipAddress: '', userAgent: '' },
      },
      withProgress(underWay, {
        'interim-task': { ...submitted(1, '2027-03-01T10:00:00.000Z'), answers: {} },
      }),
      { ...underWay, waitToken: 'token', revision: underWay.revision + 1 },
      { ...underWay, deadlines: { pdlperf: '2027-06-01T17:00' } },
      { ...underWay, waiting: { since: '2027-03-02T00:00:00.000Z' } },
    ];
    for (const after of changes) expect(types(underWay, after)).toEqual([]);
    expect(announced(underWay, undefined)).toEqual([]);
  });

  it('a resubmission and its assessment are new milestones; the first ones are not announced again', () => {
    const resubmit = withProgress(signed, {
      pdlperf: submitted(1, '2027-05-01T10:00:00.000Z'),
      assessment: {
        outcome: 'resubmit',
        attempt: 1,
        decidedAt: '2027-05-20T10:00:00.000Z',
        decidedBy: 'Casey Lead',
      },
    });
    const resubmitted = withProgress(resubmit, { pdlperf: submitted(2, '2027-06-10T10:00:00.000Z') });
    expect(announced(resubmit, resubmitted).map((m) => [m.detailType, m.detail])).toEqual([
      ['FrameworkSubmitted', expect.objectContaining({ attempt: 2, at: '2027-06-10T10:00:00.000Z' })],
    ]);
    const accredited = {
      ...withProgress(resubmitted, {
        assessment: {
          outcome: 'accredited',
          attempt: 2,
          decidedAt: '2027-06-20T10:00:00.000Z',
          decidedBy: 'Casey Lead',
        },
      }),
      stage: 'accredited' as const,
      accreditation: {
        verificationCode: 'ABCD-EFGH-JKLM',
        accreditedAt: '2027-06-20T10:05:00.000Z',
        listedInDirectory: false,
      },
    };
    expect(announced(resubmitted, accredited).map((m) => [m.detailType, m.detail.at])).toEqual([
      ['ParticipantAssessed', '2027-06-20T10:00:00.000Z'],
      ['ParticipantAccredited', '2027-06-20T10:05:00.000Z'],
    ]);
    expect(JSON.stringify(announced(resubmitted, accredited))).not.toContain('ABCD');
  });

  it('a deferral is announced in the cohort moved to; a day missed again there is a new milestone', () => {
    const missed = withProgress(signed, { 'day-1': day('absent', '2027-02-01T16:00:00.000Z') });
    const deferred = {
      ...signed,
      cohortId: 'south-2027',
      deferrals: [
        { fromCohortId: 'north-2027', reason: 'Illness in the family', at: '2027-02-03T09:00:00.000Z' },
      ],
    };
    expect(announced(missed, deferred).map((m) => m.detail)).toEqual([
      expect.objectContaining({
        cohortId: 'south-2027',
        fromCohortId: 'north-2027',
        at: '2027-02-03T09:00:00.000Z',
      }),
    ]);
    expect(JSON.stringify(announced(missed, deferred))).not.toContain('Illness');
    const missedAgain = withProgress(deferred, { 'day-1': day('absent', '2027-05-01T16:00:00.000Z') });
    expect(announced(deferred, missedAgain).map((m) => [m.detailType, m.detail.cohortId])).toEqual([
      ['DevelopmentDayMissed', 'south-2027'],
    ]);
  });

  it('a lapse, its reinstatement (not a second lapse), a later lapse, and a withdrawal', () => {
    const accredited = {
      ...signed,
      stage: 'accredited' as const,
      accreditation: {
        verificationCode: 'C',
        accreditedAt: '2027-06-20T10:00:00.000Z',
        listedInDirectory: true,
      },
    };
    const firstLapse = { reason: 'Not re-registered', at: '2028-06-20T16:00:00.000Z' };
    const lapsed = { ...accredited, stage: 'lapsed' as const, lapse: firstLapse };
    expect(types(accredited, lapsed)).toEqual(['AccreditationLapsed']);
    const reinstated = {
      ...accredited,
      reinstatements: [{ reason: 'Email went astray', at: '2028-07-01T09:00:00.000Z', lapse: firstLapse }],
    };
    expect(types(lapsed, reinstated)).toEqual(['AccreditationReinstated']);
    const lapsedAgain = {
      ...reinstated,
      stage: 'lapsed' as const,
      lapse: { reason: 'Again', at: '2028-09-01T16:00:00.000Z' },
    };
    expect(types(reinstated, lapsedAgain)).toEqual(['AccreditationLapsed']);
    expect(
      types(accredited, {
        ...accredited,
        stage: 'withdrawn',
        withdrawal: { reason: 'Left', at: '2028-01-01T09:00:00.000Z' },
      }),
    ).toEqual(['ParticipantWithdrawn']);
  });

  it('ids are the same for the same change, so a redelivery can be recognised', () => {
    const after = withProgress(signed, { 'day-1': day('attended', '2027-02-01T16:00:00.000Z') });
    const ids = () => announced(signed, after).map((m) => m.detail.milestoneId);
    expect(ids()).toEqual(['p-asha/DevelopmentDayAttended/day-1/2027-02-01T16:00:00.000Z']);
    expect(ids()).toEqual(ids());
  });

  it('an outcome it does not know is an error, not silence', () => {
    expect(() =>
      announced(signed, withProgress(signed, { 'day-1': { outcome: 'postponed' } as never })),
    ).toThrow(/postponed/);
  });
});
