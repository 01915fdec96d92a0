import { describe, expect, it } from 'vitest';
import {
  type EmailSnapshot,
  type ExecutionSnapshot,
  findBreaches,
  linksIn,
  type SystemSnapshot,
} from '../../functions/admin/invariants.js';
import { Cohort } from '../../functions/domain/cohort.js';
import { Participant } from '../../functions/domain/participant.js';
import { hashLinkSecret, linkPath, type Request } from '../../functions/domain/request.js';
import { DAY } from '../../functions/domain/time.js';
import { pdLeadSchedule } from '../../infra/local/demo-schedule.js';

/**
 * The whole-system invariants on hand-built snapshots: a small, healthy system (Asha waiting to submit her
 * interim task, Ben accredited and listed), then one thing broken at a time, each seen for what it is.
 */
const NOW = new Date('2027-02-01T10:00:00.000Z');
const iso = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();
const ADMIN = 'admin@programme.test';
const cohort = Cohort.parse({
  cohortId: 'north',
  programmeId: 'ncetm-pd-lead',
  pathway: 'primary',
  mathsHub: 'North Star Maths Hub',
  name: 'North primary PD Leads',
  cohortLead: { name: 'Casey Lead', email: 'lead@hub.test' },
  startsOn: '2027-01-15',
  schedule: pdLeadSchedule(new Date('2026-12-01T09:00:00.000Z')),
});

const person = (participantId: string, name: string, fields: Partial<Participant> = {}) =>
  Participant.parse({
    participantId,
    person: { name, email: `${participantId}@school.test` },
    school: 'Hillside Primary',
    seniorLeader: { name: 'Sam Okafor', email: `head-of-${participantId}@school.test` },
    programmeId: 'ncetm-pd-lead',
    pathway: 'primary',
    cohortId: 'north',
    stage: 'in-programme',
    enrolledAt: iso(-60),
    ...fields,
  });

const secret = (n: number) => `${n}`.padStart(43, 'x');
const linkTo = (n: number) => `http://localhost/r/${secret(n)}`;

const taskAsk: Request = {
  requestId: 'interim-task#1-p-asha',
  kind: 'submission',
  participantId: 'p-asha',
  stepId: 'interim-task',
  attempt: 1,
  recipient: { name: 'Asha Patel', email: 'p-asha@school.test' },
  status: 'open',
  createdAt: iso(-5),
  expiresAt: iso(20),
  reminderAfterDays: [13, 18],
  remindersSent: 0,
  invitedAt: iso(-5),
};
const taskEmail: EmailSnapshot = {
  to: ['p-asha@school.test'],
  subject: 'Please submit your Interim task by Sunday 21 February 2027 at 10:00 am',
  text: `Dear Asha Patel,\n\nSubmit your Interim task: ${linkTo(1)}\n`,
};

const execution = (participantId: string, fields: Partial<ExecutionSnapshot> = {}): ExecutionSnapshot => ({
  name: participantId,
  workflow: 'ParticipantLifecycle',
  status: 'RUNNING',
  input: JSON.stringify({ participantId, cohortId: 'north' }),
  statesEntered: ['RequestCommitment', 'NextProgrammeStep', 'WhereNext', 'AtTask'],
  parked: { state: 'AtTask', since: NOW.toISOString(), timeoutSeconds: 7 * 86_400 },
  startDate: iso(-60),
  ...fields,
});

/** Asha waits at her interim task for herself; Ben, accredited and listed, waits on a date in his accredited years. */
function healthy(): SystemSnapshot {
  return {
    now: NOW.toISOString(),
    adminEmail: ADMIN,
    participants: [
      person('p-asha', 'Asha Patel', { progress: { 'day-1': attended } }),
      person('p-ben', 'Ben Carter', {
        stage: 'accredited',
        accreditation: {
          verificationCode: 'AAAA-BBBB-CCCC',
          accreditedAt: iso(-10),
          listedInDirectory: true,
        },
      }),
    ],
    requests: [taskAsk],
    links: [{ linkHash: hashLinkSecret(secret(1)), requestId: taskAsk.requestId, acts: true }],
    cohorts: [cohort],
    directory: [
      {
        participantId: 'p-ben',
        programmeId: 'ncetm-pd-lead',
        pathway: 'primary',
        displayName: 'Ben Carter',
        updatedAt: iso(-9),
      },
    ],
    executions: [
      execution('p-asha'),
      execution('p-ben', { status: 'SUCCEEDED', statesEntered: ['StartAccreditedYears', 'Accredited'] }),
      execution('p-ben', {
        name: 'p-ben-accredited-1',
        workflow: 'AccreditedYears',
        statesEntered: ['NextAccreditedYearsStep', 'WhatIsOpen', 'Accredited'],
        parked: { state: 'Accredited', since: NOW.toISOString(), timeoutSeconds: 7 * 86_400 },
        startDate: iso(-10),
      }),
    ],
    emails: [taskEmail],
    unsettled: [],
  };
}
const attended = { outcome: 'attended', recordedAt: iso(-20), recordedBy: 'Casey Lead' } as const;

/** The healthy system with `change` made to it. */
function broken(change: (s: SystemSnapshot) => void): SystemSnapshot {
  const snapshot = structuredClone(healthy());
  change(snapshot);
  return snapshot;
}
const participant = (s: SystemSnapshot, id: string) =>
  s.participants.find((p) => p.participantId === id) as Participant;
const lifecycleOf = (s: SystemSnapshot, id: string) =>
  s.executions.find((e) => e.name === id) as ExecutionSnapshot;
const breachesOf = (snapshot: SystemSnapshot, previous?: SystemSnapshot) =>
  findBreaches(snapshot, previous).map(({ invariant, participantId }) => ({ invariant, participantId }));

describe('the form links in an email', () => {
  it('are read whole, naming ids or not, each by the hash of its secret', () => {
    const named = linkPath(secret(2), { requestId: taskAsk.requestId, participantId: 'p-asha' });
    expect(linksIn(`Submit: ${linkTo(1)}.\nOr: http://localhost/r/${named}.\n`)).toEqual([
      { path: secret(1), linkHash: hashLinkSecret(secret(1)) },
      { path: named, linkHash: hashLinkSecret(secret(2)) },
    ]);
  });
});

describe('the whole-system invariants', () => {
  it('find nothing wrong with a healthy system', () => {
    expect(findBreaches(healthy())).toEqual([]);
  });

  describe("a cohort's invitations from its waiting list wait on an invitee or a date", () => {
    const offer: Request = {
      requestId: 'place-offer-north-w-1',
      kind: 'place-offer',
      cohortId: 'north',
      waitingListEntryId: 'w-1',
      recipient: { name: 'Fay Further', email: 'fay@college.test' },
      status: 'open',
      createdAt: iso(-1),
      expiresAt: iso(6),
      reminderAfterDays: [],
      remindersSent: 0,
      invitedAt: iso(-1),
    };
    const inviting = (fields: Partial<ExecutionSnapshot> = {}) =>
      broken((s) => {
        s.executions.push({
          ...execution('north-invitations-1', {
            workflow: 'WaitingListInvitations',
            input: JSON.stringify({ cohortId: 'north' }),
            statesEntered: ['InviteFromWaitingList', 'WhatNext', 'AtInvitations'],
            parked: { state: 'AtInvitations', since: NOW.toISOString(), timeoutSeconds: 6 * 86_400 },
          }),
          ...fields,
        });
        s.requests.push(offer);
        s.links.push({ linkHash: hashLinkSecret(secret(9)), requestId: offer.requestId, acts: true });
        s.emails.push({
          to: ['fay@college.test'],
          subject: 'A place for you on the programme: please answer by Sunday 7 February 2027 at 5:00 pm',
          text: `Accept or decline the place: ${linkTo(9)}\n`,
        });
      });

    it('an invitee holding a link that acts is someone to wait on', () => {
      expect(findBreaches(inviting())).toEqual([]);
    });

    it('waiting on invitations nobody can answer, or not waiting at all, is a breach', () => {
      const noLink = inviting();
      for (const link of noLink.links) if (link.requestId === offer.requestId) link.acts = false;
      expect(breachesOf(noLink)).toEqual([
        { invariant: 'invitations-wait-on-someone', participantId: undefined },
      ]);
      expect(breachesOf(inviting({ parked: undefined }))).toEqual([
        { invariant: 'invitations-wait-on-someone', participantId: undefined },
      ]);
    });
  });

  describe('1. everyone is finished or waits, through exactly one running execution, on someone or a date', () => {
    it('no execution carrying a participant on is a breach', () => {
      const stopped = broken((s) =>
        Object.assign(lifecycleOf(s, 'p-asha'), { status: 'ABORTED', parked: undefined }),
      );
      expect(breachesOf(stopped)).toEqual([{ invariant: 'waits-on-someone', participantId: 'p-asha' }]);
      expect(findBreaches(stopped)[0]?.what).toMatch(
        /no execution carries them on: the last, p-asha .* ended ABORTED/,
      );
    });

    it('two running executions for one participant are a breach', () => {
      const twice = broken((s) => s.executions.push(execution('p-asha', { name: 'p-asha-restart' })));
      expect(breachesOf(twice)).toEqual([{ invariant: 'waits-on-someone', participantId: 'p-asha' }]);
    });

    it('a finished participant with an execution still running is a breach; the accredited years are not', () => {
      const withdrawn = broken((s) => Object.assign(participant(s, 'p-asha'), { stage: 'withdrawn' }));
      expect(findBreaches(withdrawn)).toEqual([
        expect.objectContaining({
          invariant: 'waits-on-someone',
          what: expect.stringMatching(/withdrawn, yet p-asha/),
        }),
      ]);
      const noYears = broken((s) => s.executions.splice(2, 1));
      expect(breachesOf(noYears)).toEqual([{ invariant: 'waits-on-someone', participantId: 'p-ben' }]);
    });

    it('a failed execution waits on the admin only if the admin was told', () => {
      const failed = (told: boolean) =>
        broken((s) => {
          Object.assign(lifecycleOf(s, 'p-asha'), { status: 'FAILED', parked: undefined });
          if (told)
            s.emails.push({
              to: [ADMIN],
              subject: 'Action needed: the lifecycle of Asha Patel (north) stopped',
              text: 'A step failed after its retries (States.TaskFailed). Execution: p-asha.',
            });
        });
      expect(findBreaches(failed(true))).toEqual([]);
      expect(findBreaches(failed(false))).toEqual([
        expect.objectContaining({
          participantId: 'p-asha',
          what: expect.stringMatching(/the admin was not told/),
        }),
      ]);
    });

    it('an open ask whose recipient holds no link that acts waits on nobody', () => {
      const elsewhere = broken((s) =>
        Object.assign(participant(s, 'p-asha').person, { email: 'new@school.test' }),
      );
      expect(findBreaches(elsewhere)).toContainEqual(
        expect.objectContaining({
          invariant: 'waits-on-someone',
          what: expect.stringMatching(
            /waits on the participant for interim-task#1-p-asha, who holds no link/,
          ),
        }),
      );
    });

    it('only expired asks wait on the admin, who must have been told', () => {
      const expired = (told: boolean) =>
        broken((s) => {
          Object.assign(s.requests[0] as Request, { status: 'expired' });
          (s.links[0] as { acts: boolean }).acts = false;
          if (told)
            s.emails.push({
              to: [ADMIN],
              subject: 'Missed deadline for Interim task: Asha Patel (north)',
              text: '',
            });
        });
      expect(findBreaches(expired(true))).toEqual([]);
      expect(breachesOf(expired(false))).toEqual([
        { invariant: 'waits-on-someone', participantId: 'p-asha' },
      ]);
    });

    it('running but parked nowhere waits on nobody', () => {
      const moving = broken((s) => Object.assign(lifecycleOf(s, 'p-asha'), { parked: undefined }));
      expect(breachesOf(moving)).toEqual([{ invariant: 'waits-on-someone', participantId: 'p-asha' }]);
    });
  });

  describe('2. no execution busy-loops', () => {
    const shortWait = (seconds: number, since = NOW) =>
      broken((s) => {
        lifecycleOf(s, 'p-asha').parked = {
          state: 'AtTask',
          since: since.toISOString(),
          timeoutSeconds: seconds,
        };
      });

    it('a one-second wait for nothing is a loop; a short wait until something falls due is not', () => {
      expect(breachesOf(shortWait(1))).toEqual([{ invariant: 'no-busy-loop', participantId: 'p-asha' }]);
      // Thirty seconds before the task's deadline, the wait is for the deadline.
      const deadline = new Date(taskAsk.expiresAt);
      expect(findBreaches(shortWait(30, new Date(deadline.getTime() - 30_000)))).toEqual([]);
    });

    it('an execution that never settles is a loop', () => {
      const spinning = broken((s) => {
        s.unsettled = ['p-asha'];
        lifecycleOf(s, 'p-asha').parked = undefined;
      });
      expect(breachesOf(spinning)).toContainEqual({ invariant: 'no-busy-loop', participantId: 'p-asha' });
    });

    it('many transitions with the clock still and nothing changed are a loop; a change or a moved clock explains them', () => {
      const before = healthy();
      const later = (change: (s: SystemSnapshot) => void = () => {}) =>
        broken((s) => {
          lifecycleOf(s, 'p-asha').statesEntered.push(
            ...Array.from({ length: 6 }, () => ['NextProgrammeStep', 'WhereNext', 'AtTask']).flat(),
          );
          change(s);
        });
      expect(breachesOf(later(), before)).toEqual([{ invariant: 'no-busy-loop', participantId: 'p-asha' }]);
      expect(
        findBreaches(
          later((s) => (participant(s, 'p-asha').revision = 1)),
          before,
        ),
      ).toEqual([]);
      expect(
        findBreaches(
          later((s) => (s.now = iso(7))),
          before,
        ),
      ).toEqual([]);
    });
  });

  describe('3. only leads accredited now are in the public directory', () => {
    it.each([
      ['withdrawn', { stage: 'withdrawn', withdrawal: { reason: 'Left', at: iso(-1) } }],
      ['lapsed', { stage: 'lapsed', lapse: { reason: 'Not re-registered', at: iso(-1) } }],
    ] as const)('a %s lead still listed is a breach', (_, change) => {
      const listed = broken((s) => {
        Object.assign(participant(s, 'p-ben'), change);
        s.executions[2] = {
          ...(s.executions[2] as ExecutionSnapshot),
          status: 'SUCCEEDED',
          parked: undefined,
        };
      });
      expect(breachesOf(listed)).toEqual([
        { invariant: 'directory-only-accredited', participantId: 'p-ben' },
      ]);
    });
  });

  describe('4. links stop acting once their purpose is gone', () => {
    it("a withdrawn participant's link that still acts is a breach; one that no longer acts is not", () => {
      const withdrawn = (acts: boolean) =>
        broken((s) => {
          Object.assign(participant(s, 'p-asha'), {
            stage: 'withdrawn',
            withdrawal: { reason: 'Left', at: iso(0) },
          });
          Object.assign(lifecycleOf(s, 'p-asha'), { status: 'SUCCEEDED', parked: undefined });
          (s.links[0] as { acts: boolean }).acts = acts;
        });
      expect(breachesOf(withdrawn(true))).toEqual([{ invariant: 'no-stale-link', participantId: 'p-asha' }]);
      expect(findBreaches(withdrawn(false))).toEqual([]);
    });

    it('a link sent to an address since corrected that still acts is a breach', () => {
      const corrected = broken((s) => {
        Object.assign(participant(s, 'p-asha').person, { email: 'asha.patel@school.test' });
        s.emails.push({ ...taskEmail, to: ['asha.patel@school.test'], text: `Submit: ${linkTo(2)}` });
        s.links.push({ linkHash: hashLinkSecret(secret(2)), requestId: taskAsk.requestId, acts: true });
      });
      expect(findBreaches(corrected)).toEqual([
        expect.objectContaining({
          invariant: 'no-stale-link',
          participantId: 'p-asha',
          what: expect.stringMatching(/sent to an address since corrected/),
        }),
      ]);
    });
  });

  describe('5. nothing is sent twice', () => {
    it('the same email to the same person twice is a breach, even with a fresh link', () => {
      const twice = broken((s) => {
        s.emails.push({ ...taskEmail, text: taskEmail.text.replace(linkTo(1), linkTo(2)) });
        s.links.push({ linkHash: hashLinkSecret(secret(2)), requestId: taskAsk.requestId, acts: true });
      });
      expect(breachesOf(twice)).toEqual([{ invariant: 'nothing-sent-twice', participantId: 'p-asha' }]);
    });

    it("reminders that read alike are not repeats, up to as many as the programme's ladder sends", () => {
      // The PD Lead programme reminds twice before a submission's deadline.
      const reminders = (count: number) =>
        broken((s) => {
          for (let n = 2; n < 2 + count; n++) {
            s.emails.push({
              ...taskEmail,
              subject: `Reminder: ${taskEmail.subject}`,
              text: `Submit: ${linkTo(n)}`,
            });
            s.links.push({ linkHash: hashLinkSecret(secret(n)), requestId: taskAsk.requestId, acts: true });
          }
        });
      expect(findBreaches(reminders(2))).toEqual([]);
      expect(breachesOf(reminders(3))).toEqual([
        { invariant: 'nothing-sent-twice', participantId: 'p-asha' },
      ]);
    });

    it('alike emails about different asks (an assessment and its reassessment) are not repeats', () => {
      const again = broken((s) => {
        s.requests.push({ ...taskAsk, requestId: 'interim-task#2-p-asha', attempt: 2 });
        s.emails.push({ ...taskEmail, text: `Submit: ${linkTo(2)}` });
        s.links.push({ linkHash: hashLinkSecret(secret(2)), requestId: 'interim-task#2-p-asha', acts: true });
      });
      expect(breachesOf(again)).not.toContainEqual(
        expect.objectContaining({ invariant: 'nothing-sent-twice' }),
      );
    });
  });

  describe('6. every ask says what is needed and by when', () => {
    it('an ask without a London date in its subject is a breach; an offer (the directory entry) is not asked', () => {
      const undated = broken((s) => {
        (s.emails[0] as EmailSnapshot).subject = 'Please submit your Interim task';
      });
      expect(breachesOf(undated)).toEqual([{ invariant: 'ask-says-what-and-when', participantId: 'p-asha' }]);
      const offer = broken((s) => {
        s.requests.push({
          ...taskAsk,
          requestId: 'directory-entry-p-ben',
          kind: 'directory-entry',
          participantId: 'p-ben',
        });
        s.links.push({ linkHash: hashLinkSecret(secret(3)), requestId: 'directory-entry-p-ben', acts: true });
        s.emails.push({
          to: ['p-ben@school.test'],
          subject: 'Congratulations: you are accredited',
          text: linkTo(3),
        });
      });
      expect(findBreaches(offer)).toEqual([]);
    });
  });
});
