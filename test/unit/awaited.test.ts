import { describe, expect, it } from 'vitest';
import { awaitedFromOpenAsks } from '../../functions/domain/awaited.js';
import { newRequest, type Request } from '../../functions/domain/request.js';
import { recordAt } from '../support/participant.js';

const now = new Date('2027-02-01T12:00:00.000Z');

const participant = recordAt;

/** An ask made on 20 January, ending `days` later. */
const ask = (
  kind: Request['kind'],
  stepId: string | undefined,
  days: number,
  status: Request['status'] = 'open',
) => ({
  ...newRequest(
    {
      requestId: `${stepId ?? kind}-p-1`,
      kind,
      participantId: 'p-1',
      ...(stepId && { stepId }),
      recipient: { name: 'Someone', email: 'someone@school.test' },
    },
    { reminderAfterDays: [], expiresAfterDays: days },
    new Date('2027-01-20T12:00:00.000Z'),
  ),
  status,
});

describe('whom a participant waits on, from their open asks', () => {
  it('the open ask due soonest names whom, what and by when', () => {
    const asks = [ask('submission', 'interim-task', 40), ask('feedback', 'interim-feedback', 20)];
    expect(awaitedFromOpenAsks(participant('in-programme'), asks, now)).toEqual({
      on: 'cohort-lead',
      ask: { kind: 'feedback', stepId: 'interim-feedback', requestId: 'interim-feedback-p-1' },
      nextDeadline: new Date('2027-02-09T12:00:00.000Z'),
    });
  });

  it("the senior leader's commitment", () => {
    expect(
      awaitedFromOpenAsks(participant('awaiting-commitment'), [ask('commitment', undefined, 14)], now),
    ).toMatchObject({
      on: 'senior-leader',
      nextDeadline: new Date('2027-02-03T12:00:00.000Z'),
    });
  });

  it('a deadline passed with nothing submitted waits on the admin (an extension or a withdrawal)', () => {
    const missed = ask('submission', 'interim-task', 5);
    expect(awaitedFromOpenAsks(participant('in-programme'), [missed], now)).toEqual({
      on: 'admin',
      ask: { kind: 'submission', stepId: 'interim-task', requestId: 'interim-task-p-1' },
    });
    const submitted = participant('in-programme', {
      progress: {
        'interim-task': { outcome: 'submitted', attempt: 1, submittedAt: now.toISOString(), answers: {} },
      },
    });
    expect(awaitedFromOpenAsks(submitted, [missed], now)).toEqual({ on: 'nobody' });
  });

  it('answered asks, and those finished or withdrawn, wait on nobody; an accredited lead on their own asks', () => {
    expect(
      awaitedFromOpenAsks(
        participant('in-programme'),
        [ask('submission', 'interim-task', 40, 'answered')],
        now,
      ),
    ).toEqual({
      on: 'nobody',
    });
    expect(
      awaitedFromOpenAsks(participant('not-accredited'), [ask('submission', 'pdlperf', 40)], now),
    ).toEqual({ on: 'nobody' });
    const withdrawn = participant('in-programme', {
      withdrawal: { reason: 'moved school', at: now.toISOString() },
    });
    expect(awaitedFromOpenAsks(withdrawn, [ask('submission', 'interim-task', 40)], now)).toEqual({
      on: 'nobody',
    });
    expect(
      awaitedFromOpenAsks(participant('accredited'), [ask('termly-feedback', 'termly-spring-2028', 40)], now),
    ).toMatchObject({
      on: 'participant',
    });
  });
});
