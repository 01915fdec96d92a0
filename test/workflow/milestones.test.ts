import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MILESTONE_SOURCE,
  type MilestoneType,
  milestoneDetails,
  milestonePattern,
} from '../../events/milestones.js';
import { participantIdFor } from '../../functions/domain/participant.js';
import type { BusEvent } from '../../infra/local/event-bus.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { accreditedLead } from '../support/accredited-years.js';
import { startTestSystem, testCohort } from '../support/local-system.js';
import { feedbackGiven, frameworkAnswers, interimAnswers, lead } from '../support/programme.js';

/**
 * Milestones as a Maths Hub's systems would see them: a whole programme runs on the local system, every
 * write goes through the table's local stream to the real PublishMilestones handler, and a rule on the
 * local milestone bus, with the pattern events/milestones.ts builds, collects what is published.
 */
let system: LocalSystem;
const email = 'asha.milestones@hillside.test';
const participantId = participantIdFor('milestones-cohort', email);
/** Everything published about the participant, by a rule with the catalogue's pattern. */
const received: BusEvent[] = [];

/** Once nothing moves: every execution parked or ended, every write published. */
async function settled() {
  await system.stepFunctions.settled();
  await system.tableStream.drained();
}

beforeAll(async () => {
  system = await startTestSystem();
  system.eventBus.subscribe(milestonePattern(undefined, { participantId: [participantId] }), (event) =>
    received.push(event),
  );
  await accreditedLead(system, 'milestones-cohort', email);
  await settled();
}, 120_000);

afterAll(() => system.stop());

const types = (events: BusEvent[]) => events.map((e) => e['detail-type']);

describe('milestones of a whole programme, on the milestone bus', () => {
  it('are published in the order they happened, each once', () => {
    expect(received.map((e) => [e['detail-type'], e.detail.stepId ?? null])).toEqual([
      ['ParticipantEnrolled', null],
      ['CommitmentSigned', null],
      ['DevelopmentDayAttended', 'day-1'],
      ['TaskSubmitted', 'interim-task'],
      ['FeedbackGiven', 'interim-feedback'],
      ['DevelopmentDayAttended', 'day-2'],
      ['FrameworkSubmitted', 'pdlperf'],
      ['ParticipantAssessed', 'assessment'],
      ['ParticipantAccredited', null],
    ]);
    expect(new Set(received.map((e) => e.detail.milestoneId)).size).toBe(received.length);
  });

  it('each detail validates against its schema, names where the participant is and says when', () => {
    for (const event of received) {
      expect(event.source).toBe(MILESTONE_SOURCE);
      const schema = milestoneDetails[event['detail-type'] as MilestoneType];
      expect(schema.safeParse(event.detail).error).toBeUndefined();
      expect(event.detail).toMatchObject({
        participantId,
        programmeId: 'ncetm-pd-lead',
        pathway: 'primary',
        cohortId: 'milestones-cohort',
        mathsHub: testCohort.mathsHub,
      });
      expect(event.time).toBe(String(event.detail.at).replace(/\.\d{3}Z$/, 'Z'));
    }
    expect(received.find((e) => e['detail-type'] === 'ParticipantAssessed')?.detail).toMatchObject({
      outcome: 'accredited',
      attempt: 1,
    });
  });

  it('hold no name, email address, school or answer', () => {
    const published = JSON.stringify(system.eventBus.events());
    const personal = [
      'Asha Patel',
      'Sam Okafor',
      'Hillside',
      testCohort.cohortLead.name,
      email,
      lead,
      '@',
      ...Object.values(interimAnswers),
      ...Object.values(frameworkAnswers),
      feedbackGiven,
    ];
    expect(personal.filter((text) => published.includes(JSON.stringify(text).slice(1, -1)))).toEqual([]);
  });

  it('a rule narrowed to one milestone and one Maths Hub gets only those', () => {
    const accredited = system.eventBus.events(
      milestonePattern(['ParticipantAccredited'], { mathsHub: [testCohort.mathsHub] }),
    );
    expect(types(accredited)).toEqual(['ParticipantAccredited']);
    expect(
      system.eventBus.events(milestonePattern(['ParticipantAccredited'], { mathsHub: ['Elsewhere'] })),
    ).toEqual([]);
  });
});

describe('changes to the record that are no milestone', () => {
  it('a corrected address publishes nothing; a withdrawal publishes ParticipantWithdrawn', async () => {
    const before = received.length;
    await system.admin({
      command: 'correct-email',
      participantId,
      whose: 'participant',
      email: 'asha.corrected@hillside.test',
    });
    await settled();
    expect(received.slice(before)).toEqual([]);

    await system.admin({ command: 'withdraw-participant', participantId, reason: 'Moved abroad' });
    await settled();
    expect(types(received.slice(before))).toEqual(['ParticipantWithdrawn']);
    expect(JSON.stringify(received.slice(before))).not.toContain('abroad');
  });
});
