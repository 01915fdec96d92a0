import { describe, expect, it } from 'vitest';
import { executionConsoleUrl, stateMachineConsoleUrl } from '../../events/lifecycle-stopped.js';
import { type Participant, Stage } from '../../functions/domain/participant.js';
import {
  expectsRunningExecution,
  MAX_MESSAGE_BYTES,
  type NotMoving,
  notMoving,
  reconciliationAlerts,
} from '../../functions/domain/reconciliation.js';
import { recordAt } from '../support/participant.js';

const arns = {
  ParticipantLifecycle: 'arn:aws:states:eu-west-2:123456789012:stateMachine:ParticipantLifecycle',
  AccreditedYears: 'arn:aws:states:eu-west-2:123456789012:stateMachine:AccreditedYears',
};
const executionArn = 'arn:aws:states:eu-west-2:123456789012:execution:ParticipantLifecycle:p-1';

const participant = (stage: Stage, execution?: Participant['execution']) =>
  recordAt(stage, execution && { execution });
const lifecycle = { workflow: 'ParticipantLifecycle', name: 'p-1' } as const;

describe('who should have a running execution', () => {
  it.each([
    ['awaiting-commitment', true],
    ['ready-for-development-days', true],
    ['in-programme', true],
    ['accredited', true],
    ['commitment-declined', false],
    ['commitment-expired', false],
    ['not-accredited', false],
    ['completed', false],
    ['withdrawn', false],
    ['lapsed', false],
  ] as const)('%s: %s', (stage, expected) => {
    expect(expectsRunningExecution(participant(stage))).toBe(expected);
  });

  it('every stage is judged above', () => {
    expect(Stage.options).toHaveLength(10);
  });
});

describe('a participant nothing carries on', () => {
  it('is not reported while the execution their record names runs', () => {
    expect(notMoving(participant('in-programme', lifecycle), { executionArn, status: 'RUNNING' }, arns)).toBe(
      undefined,
    );
  });

  it.each(['ABORTED', 'FAILED', 'TIMED_OUT', 'SUCCEEDED'])(
    'is reported, linked to the execution, when it is %s',
    (status) => {
      expect(notMoving(participant('in-programme', lifecycle), { executionArn, status }, arns)).toEqual({
        participantId: 'p-1',
        cohortId: 'north-primary-2027',
        stage: 'in-programme',
        workflow: 'ParticipantLifecycle',
        execution: { ...lifecycle, status },
        consoleUrl: executionConsoleUrl('eu-west-2', executionArn),
      });
    },
  );

  it('with no execution recorded, counts as never started, linked to the state machine that should carry them', () => {
    expect(notMoving(participant('accredited'), undefined, arns)).toMatchObject({
      workflow: 'AccreditedYears',
      consoleUrl: stateMachineConsoleUrl('eu-west-2', arns.AccreditedYears),
    });
    expect(notMoving(participant('accredited'), undefined, arns)?.execution).toBeUndefined();
  });

  it('one Step Functions does not know is linked to its state machine', () => {
    expect(
      notMoving(participant('in-programme', lifecycle), { executionArn, status: 'NOT_STARTED' }, arns)
        ?.consoleUrl,
    ).toBe(stateMachineConsoleUrl('eu-west-2', arns.ParticipantLifecycle));
  });

  it('is not reported once finished, whatever their last execution did', () => {
    expect(notMoving(participant('withdrawn', lifecycle), { executionArn, status: 'ABORTED' }, arns)).toBe(
      undefined,
    );
  });
});

describe("the admin's alert", () => {
  const stranded = (n: number): NotMoving => ({
    participantId: `p-${String(n).padStart(5, '0')}`,
    cohortId: `cohort-${n % 7}`,
    stage: 'in-programme',
    workflow: 'ParticipantLifecycle',
    execution: { workflow: 'ParticipantLifecycle', name: `p-${n}`, status: 'ABORTED' },
    consoleUrl: executionConsoleUrl('eu-west-2', `${executionArn}-${n}`),
  });

  it('is nothing when everyone is moving', () => {
    expect(reconciliationAlerts([])).toEqual([]);
  });

  it('is one message for a few, with what to do', () => {
    const [alert, ...more] = reconciliationAlerts([stranded(1)]);
    expect(more).toEqual([]);
    expect(alert?.subject).toBe('PD accreditation: 1 participant not moving');
    expect(alert?.message).toContain('resume-participant');
    expect(alert?.message).toContain('- p-00001, cohort cohort-1, stage in-programme');
  });

  it("is split under SNS's 256 KB into parts that list everyone once, and each subject is one SNS can take", () => {
    const many = Array.from({ length: 2000 }, (_, n) => stranded(n));
    const alerts = reconciliationAlerts(many);
    expect(alerts.length).toBeGreaterThan(1);
    for (const [i, alert] of alerts.entries()) {
      expect(Buffer.byteLength(alert.message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
      expect(alert.subject).toBe(
        `PD accreditation: 2000 participants not moving (part ${i + 1} of ${alerts.length})`,
      );
      expect(alert.subject).toMatch(/^[\x20-\x7e]{1,100}$/);
      expect(alert.message).toContain('resume-participant');
    }
    const listed = alerts.flatMap((a) => [...a.message.matchAll(/^- (p-\d+),/gm)].map((m) => m[1]));
    expect(listed.sort()).toEqual(many.map((p) => p.participantId).sort());
  });

  it('splits at the limit it is given, keeping entries whole', () => {
    const three = [stranded(1), stranded(2), stranded(3)];
    const whole = reconciliationAlerts(three)[0]?.message ?? '';
    const header = Buffer.byteLength(whole.slice(0, whole.indexOf('- p-')));
    const entry = (Buffer.byteLength(whole) - header) / 3;
    const room = (entries: number) => reconciliationAlerts(three, header + entries * entry);
    expect(room(2).map((a) => [...a.message.matchAll(/^- /gm)].length)).toEqual([2, 1]);
    expect(room(2.5).map((a) => [...a.message.matchAll(/^- /gm)].length)).toEqual([2, 1]);
    expect(room(3)).toHaveLength(1);
  });
});
