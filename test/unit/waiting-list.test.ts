import { describe, expect, it } from 'vitest';
import { Cohort } from '../../functions/domain/cohort.js';
import type { Request } from '../../functions/domain/request.js';
import { DAY } from '../../functions/domain/time.js';
import {
  invitationsCloseAt,
  planInvitations,
  type WaitingListEntry,
} from '../../functions/domain/waiting-list.js';
import { pdLeadSchedule } from '../../infra/local/demo-schedule.js';

/** What a cohort's invitations do next, decided from one read. */
const NOW = new Date('2027-01-04T10:00:00.000Z');
const iso = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();
const cohort = Cohort.parse({
  cohortId: 'fe-north',
  programmeId: 'ncetm-pd-lead',
  pathway: 'further-education',
  mathsHub: 'national',
  name: 'FE PD Leads',
  cohortLead: { name: 'Casey Lead', email: 'lead@hub.test' },
  startsOn: '2027-02-01',
  capacity: 2,
  schedule: pdLeadSchedule(new Date('2027-01-01T09:00:00.000Z')),
});
const entry = (n: number, fields: Partial<WaitingListEntry> = {}): WaitingListEntry => ({
  entryId: `w-${n}`,
  programmeId: 'ncetm-pd-lead',
  pathway: 'further-education',
  person: { name: `Person ${n}`, email: `p${n}@college.test` },
  school: 'College',
  seniorLeader: { name: 'Principal', email: `principal${n}@college.test` },
  status: 'waiting',
  registeredAt: iso(-30 + n),
  joinedAt: iso(-30 + n),
  ...fields,
});
const invited = (n: number, expiresAt = iso(5)) =>
  entry(n, { status: 'invited', invitation: { cohortId: 'fe-north', requestId: `offer-${n}`, expiresAt } });
const offer = (n: number, fields: Partial<Request> = {}): Request => ({
  requestId: `offer-${n}`,
  kind: 'place-offer',
  cohortId: 'fe-north',
  waitingListEntryId: `w-${n}`,
  recipient: { name: `Person ${n}`, email: `p${n}@college.test` },
  status: 'open',
  createdAt: iso(-2),
  expiresAt: iso(5),
  reminderAfterDays: [],
  remindersSent: 0,
  invitedAt: iso(-2),
  ...fields,
});
const plan = (entries: WaitingListEntry[], requests: Request[] = [], placesTaken = 0, now = NOW) =>
  planInvitations({
    cohort,
    placesTaken,
    entries,
    requests: new Map(requests.map((r) => [r.requestId, r])),
    now,
  });
const ids = (list: { entryId: string }[]) => list.map((e) => e.entryId);

describe('planInvitations', () => {
  it('invites the first people in the order they joined, one per place free, past anyone off the list', () => {
    const decided = plan([entry(1, { status: 'declined' }), entry(2), entry(3), entry(4)]);
    expect(ids(decided.invite)).toEqual(['w-2', 'w-3']);
    expect(decided).toMatchObject({ next: 'wait', waitingOn: 'invitations' });
  });

  it('counts open invitations and places taken against the capacity', () => {
    expect(ids(plan([invited(1), entry(2), entry(3)], [offer(1)]).invite)).toEqual(['w-2']);
    expect(plan([invited(1), entry(2)], [offer(1)], 1).invite).toEqual([]);
  });

  it('an invitation past its deadline lapses; an answered one is settled and holds its place meanwhile', () => {
    const decided = plan(
      [invited(1, iso(-1)), invited(2), entry(3), entry(4)],
      [
        offer(1, { expiresAt: iso(-1) }),
        offer(2, {
          status: 'answered',
          answer: { answeredAt: iso(0), answeredBy: 'x', invitation: 'accepted' },
        }),
      ],
    );
    expect(ids(decided.lapse.map((i) => i.entry))).toEqual(['w-1']);
    expect(ids(decided.settle.map((i) => i.entry))).toEqual(['w-2']);
    expect(ids(decided.invite)).toEqual(['w-3']);
  });

  it('full, it withdraws the invitations still open and ends; started, it invites nobody', () => {
    const full = plan([invited(1), entry(2)], [offer(1)], 2);
    expect(ids(full.withdraw.map((i) => i.entry))).toEqual(['w-1']);
    const afterActing = plan([entry(1), entry(2)], [], 2);
    expect(afterActing).toMatchObject({ next: 'full', invite: [] });
    const started = plan([entry(1)], [], 0, new Date('2027-02-01T09:00:00.000Z'));
    expect(started).toMatchObject({ next: 'closed', invite: [] });
  });

  it('with a place free and nobody waiting, it waits on the list until the cohort starts (someone joining wakes it)', () => {
    expect(plan([entry(1, { status: 'enrolled' })], [], 1)).toMatchObject({
      next: 'wait',
      waitingOn: 'waiting-list',
      waitSeconds: (invitationsCloseAt(cohort).getTime() - NOW.getTime()) / 1000,
    });
  });

  it('with invitations open, it sleeps until the first of them is due', () => {
    const open = plan([invited(1, iso(5)), invited(2, iso(3))], [offer(1), offer(2, { expiresAt: iso(3) })]);
    expect(open).toMatchObject({ next: 'wait', waitingOn: 'invitations', waitSeconds: 3 * 86_400 });
  });
});
