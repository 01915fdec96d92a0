import { describe, expect, it } from 'vitest';
import { anonymised, dueForRetention, lastActivity } from '../../functions/domain/erasure.js';
import { Participant } from '../../functions/domain/participant.js';

const at = (iso: string) => `${iso}T12:00:00.000Z`;

/** A lead who went everywhere a record can go: signed, deferred, submitted, reported, re-registered, lapsed, reinstated. */
const lead = Participant.parse({
  participantId: 'p-lead',
  person: { name: 'Nia Morgan', email: 'nia@valley.test' },
  school: 'Valley School',
  seniorLeader: { name: 'Dafydd Price', email: 'dafydd@valley.test', role: 'Head' },
  programmeId: 'ncetm-pd-lead',
  pathway: 'primary',
  cohortId: 'north-2027',
  stage: 'lapsed',
  enrolledAt: at('2027-01-01'),
  commitment: {
    decision: 'signed',
    signedBy: 'Dafydd Price',
    role: 'Head',
    answeredAt: at('2027-01-02'),
    textVersion: 'v1',
    ipAddress: '203.0.113.9',
    userAgent: 'Dafydd browser',
  },
  progress: {
    'day-1': { outcome: 'attended', recordedAt: at('2027-02-01'), recordedBy: 'Casey Lead' },
    'interim-task': {
      outcome: 'submitted',
      attempt: 1,
      submittedAt: at('2027-03-01'),
      answers: { plan: 'Nia plan' },
      attachments: [
        { key: 'uploads/r/x/Nia.pdf', name: 'Nia.pdf', contentType: 'application/pdf', bytes: 9 },
      ],
    },
    'interim-feedback': {
      outcome: 'feedback-given',
      givenAt: at('2027-03-10'),
      givenBy: 'Casey Lead',
      feedback: 'Nia did well',
    },
    assessment: {
      outcome: 'accredited',
      attempt: 1,
      decidedAt: at('2027-05-01'),
      decidedBy: 'Casey Lead',
      feedback: 'Well done Nia',
    },
    'termly-summer-2027': {
      outcome: 'reported',
      reportedAt: at('2027-07-20'),
      counts: { teachers: 12 },
      answers: { impact: 'Nia impact' },
    },
    're-registration-1': {
      outcome: 're-registered',
      reRegisteredAt: at('2028-04-01'),
      contact: { name: 'Nia Morgan', email: 'nia@valley.test', organisation: 'Valley School' },
      counts: { teachers: 20 },
      pledges: ['I, Nia, will lead PD'],
    },
  },
  deferrals: [{ fromCohortId: 'north-2026', reason: 'Nia was ill', at: at('2026-11-01') }],
  accreditation: {
    verificationCode: 'ABCD-EFGH-JKLM',
    accreditedAt: at('2027-05-01'),
    listedInDirectory: true,
  },
  lapse: { reason: 'Nia did not re-register', at: at('2029-06-01') },
  reinstatements: [
    { reason: 'Nia asked', at: at('2029-01-01'), lapse: { reason: 'Nia late', at: at('2028-06-01') } },
  ],
});
const personal = [
  'Nia',
  'nia@valley.test',
  'Valley School',
  'Dafydd',
  '203.0.113.9',
  'Casey Lead',
  'Nia.pdf',
  'ABCD-EFGH-JKLM',
  'p-lead',
];

describe('an anonymised record', () => {
  const anonymous = anonymised(lead, 'p-erased-1', new Date(at('2035-01-01')));

  it('is a valid record holding no name, address, school, answer, file, reason or verification code', () => {
    expect(Participant.parse(anonymous)).toEqual(anonymous);
    const text = JSON.stringify(anonymous);
    expect(personal.filter((value) => text.includes(value))).toEqual([]);
  });

  it('keeps what the programme team reports on: cohort, stage, outcomes, when, and reach counts', () => {
    expect(anonymous).toMatchObject({
      participantId: 'p-erased-1',
      cohortId: 'north-2027',
      stage: 'lapsed',
      enrolledAt: lead.enrolledAt,
      accreditation: { accreditedAt: at('2027-05-01'), listedInDirectory: false },
      progress: {
        'day-1': { outcome: 'attended', recordedAt: at('2027-02-01') },
        assessment: { outcome: 'accredited', decidedAt: at('2027-05-01') },
        'termly-summer-2027': { counts: { teachers: 12 }, answers: {} },
        're-registration-1': { counts: { teachers: 20 }, pledges: [] },
      },
      erasure: { at: at('2035-01-01') },
    });
  });

  it('ends as withdrawn for anyone not finished, an accredited lead included', () => {
    for (const stage of ['in-programme', 'accredited'] as const)
      expect(
        anonymised({ ...lead, stage, lapse: undefined }, 'p-erased-2', new Date(at('2035-01-01'))),
      ).toMatchObject({
        stage: 'withdrawn',
        withdrawal: { at: at('2035-01-01') },
      });
  });
});

describe('retention', () => {
  it('counts from the last thing that happened on the record', () => {
    expect(lastActivity(lead).toISOString()).toBe(at('2029-06-01'));
  });

  it('is due at once for an erasure that stopped part-way, so the next run finishes it', () => {
    const halfErased = {
      ...lead,
      stage: 'in-programme' as const,
      erasure: { at: at('2035-01-01'), anonymousId: 'p-erased-1' },
    };
    expect(dueForRetention(halfErased, 6, new Date(at('2035-01-02')))).toBe(true);
  });

  it('is due once the record has been idle for the retention period, and only for the finished', () => {
    const idleUntil = new Date(at('2035-06-01'));
    expect(dueForRetention(lead, 6, new Date(idleUntil.getTime() - 1))).toBe(false);
    expect(dueForRetention(lead, 6, idleUntil)).toBe(true);
    expect(dueForRetention(lead, 1, new Date(at('2030-06-01')))).toBe(true);
    expect(
      dueForRetention({ ...lead, stage: 'accredited', lapse: undefined }, 6, new Date(at('2040-01-01'))),
    ).toBe(false);
    expect(dueForRetention({ ...lead, stage: 'in-programme' }, 6, new Date(at('2040-01-01')))).toBe(false);
    expect(
      dueForRetention({ ...lead, erasure: { at: at('2035-01-01') } }, 6, new Date(at('2040-01-01'))),
    ).toBe(false);
  });
});
