import { reRegistrationYear, termlyReports, yearsReRegistered } from '../domain/accredited-years.js';
import type { Cohort } from '../domain/cohort.js';
import type { DirectoryEntry } from '../domain/directory.js';
import { FINAL_STAGES, type Participant } from '../domain/participant.js';
import { hashLinkSecret, nextReminderAt, type Request, type RequestKind } from '../domain/request.js';
import { addDays, londonTime } from '../domain/time.js';
import { askedOf, type PendingAsks, pendingAsks, waitingFor } from '../domain/waiting.js';
import { reminderPrefix } from '../email/message.js';
import { HAND_OVER_AFTER_DAYS } from '../lifecycle/execution.js';
import { programmes } from '../programmes/index.js';

/**
 * Whole-system invariants: what must hold for everyone whenever nothing is moving. A pure function over a
 * snapshot of the records, the executions and the emails sent (the local system's collector is
 * infra/local/snapshot.ts), so tests run it after every workflow and journey and an admin can run it on a
 * running system. Each breach names the invariant, the participant (by id only) and what is wrong.
 */

/** An execution as DescribeExecution and its history tell it; dates as ISO strings. */
export interface ExecutionSnapshot {
  name: string;
  /** The state machine: `ParticipantLifecycle` or `AccreditedYears`. */
  workflow: string;
  status: string;
  input: string;
  statesEntered: string[];
  /** Waiting in a callback task: which state, since when, and for how long at most. */
  parked?: { state: string; since: string; timeoutSeconds: number };
  startDate: string;
  stopDate?: string;
}

/** One email as sent: its plain text carries its links; `calendar` is its text/calendar part, if any. */
export interface EmailSnapshot {
  to: string[];
  subject: string;
  text: string;
  calendar?: string;
}

/** A link found in an email (by the hash of its secret) and whether following it now would still act. */
export interface LinkSnapshot {
  linkHash: string;
  requestId: string;
  acts: boolean;
}

export interface SystemSnapshot {
  now: string;
  adminEmail: string;
  participants: Participant[];
  /** The participants' requests and their cohorts' attendance registers. */
  requests: Request[];
  links: LinkSnapshot[];
  cohorts: Cohort[];
  directory: DirectoryEntry[];
  executions: ExecutionSnapshot[];
  emails: EmailSnapshot[];
  /** Executions still moving with nothing parked when the collector stopped waiting for quiet. */
  unsettled: string[];
}

export const INVARIANTS = {
  'waits-on-someone':
    'every participant is finished, or has exactly one running execution that waits on a named person or a date, as their record says',
  'invitations-wait-on-someone':
    "every running cohort's invitations from its waiting list wait on an invitee who holds a link that acts, or on a date",
  'no-busy-loop':
    'no execution busy-loops: no short waits over and over, no transitions with nothing changed',
  'directory-only-accredited': 'nobody is in the public directory who is not currently accredited',
  'no-stale-link': 'no link still acts for a withdrawn participant or for an address since corrected',
  'nothing-sent-twice': 'no email is sent twice (same recipient, same purpose)',
  'ask-says-what-and-when': "every ask email's subject says what is needed and by when (a London date)",
} as const;
export type Invariant = keyof typeof INVARIANTS;

export interface Breach {
  invariant: Invariant;
  participantId?: string;
  what: string;
}

/** With the clock standing still and nothing changed, more transitions than this is a loop. */
export const HANDFUL_OF_TRANSITIONS = 10;
/** A wait shorter than this must end when something falls due. */
export const SHORTEST_WAIT_SECONDS = 60;
/** How far a wait's end may be from the instant it waits for (rounding up to whole seconds, a Lambda's run). */
const DUE_TOLERANCE_MS = 5_000;
/** A date as emails write it (formatLondon, formatLondonDate): "Friday 4 December 2026". */
const LONDON_DATE =
  /\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b/;
const LINK_PATH = /\/r\/(([A-Za-z0-9_-]{43})(?:\.[A-Za-z0-9_-]+){0,2})/g;

const lower = (address: string) => address.trim().toLowerCase();

/** The form links (`/r/<path>`, `LinkPath`) in an email's text: each path, and the hash of its secret, the link's key. */
export const linksIn = (text: string): { path: string; linkHash: string }[] =>
  [...text.matchAll(LINK_PATH)].map(([, path = '', secret = '']) => ({
    path,
    linkHash: hashLinkSecret(secret),
  }));

/** Whose execution it is: every workflow's input names the participant. */
export const participantOf = (execution: Pick<ExecutionSnapshot, 'input'>): string | undefined => {
  try {
    const { participantId } = JSON.parse(execution.input) as { participantId?: unknown };
    return typeof participantId === 'string' ? participantId : undefined;
  } catch {
    return undefined;
  }
};

/** The snapshot indexed the ways the invariants read it. */
class View {
  readonly now: Date;
  readonly participants: Map<string, Participant>;
  readonly requests: Map<string, Request>;
  readonly links: Map<string, LinkSnapshot>;
  readonly cohorts: Map<string, Cohort>;

  constructor(readonly snapshot: SystemSnapshot) {
    this.now = new Date(snapshot.now);
    this.participants = new Map(snapshot.participants.map((p) => [p.participantId, p]));
    this.requests = new Map(snapshot.requests.map((r) => [r.requestId, r]));
    this.links = new Map(snapshot.links.map((l) => [l.linkHash, l]));
    this.cohorts = new Map(snapshot.cohorts.map((c) => [c.cohortId, c]));
  }

  executionsOf(participantId: string) {
    return this.snapshot.executions
      .filter((e) => participantOf(e) === participantId)
      .sort((a, b) => a.startDate.localeCompare(b.startDate));
  }

  /** The requests behind the form links an email carries. */
  requestsIn(email: EmailSnapshot, { acting = false } = {}): Request[] {
    return linksIn(email.text).flatMap(({ linkHash }) => {
      const link = this.links.get(linkHash);
      const request = link && (link.acts || !acting) && this.requests.get(link.requestId);
      return request ? [request] : [];
    });
  }

  /** The address a request's asks go to now, as the record holds it. */
  currentAddress(request: Request): string | undefined {
    const participant = request.participantId ? this.participants.get(request.participantId) : undefined;
    const cohort = this.cohorts.get(request.cohortId ?? participant?.cohortId ?? '');
    if (request.kind === 'commitment') return participant?.seniorLeader.email;
    if (askedOf[request.kind] === 'cohort-lead') return cohort?.cohortLead.email;
    return participant?.person.email;
  }

  /** Told the admin about this participant (an email to the admin naming them or their execution). */
  adminToldAbout(participant: Participant, executionName?: string) {
    return this.snapshot.emails.some(
      (e) =>
        e.to.map(lower).includes(lower(this.snapshot.adminEmail)) &&
        [participant.participantId, `${participant.person.name} (${participant.cohortId})`, executionName]
          .filter((s): s is string => Boolean(s))
          .some((s) => e.subject.includes(s) || e.text.includes(s)),
    );
  }

  /** The asks a participant's progress still waits for (functions/domain/waiting.ts). */
  asksOf(participant: Participant): PendingAsks {
    return pendingAsks(
      participant,
      programmes.get(participant.programmeId),
      this.snapshot.requests,
      this.now,
    );
  }

  /** Instants something falls due for the participant: what a short wait may legitimately wait for. */
  dueInstants(participant: Participant, execution: ExecutionSnapshot): number[] {
    const programme = programmes.get(participant.programmeId);
    const cohort = this.cohorts.get(participant.cohortId);
    const due: Date[] = [addDays(new Date(execution.startDate), HAND_OVER_AFTER_DAYS)];
    for (const ask of this.asksOf(participant).open)
      due.push(new Date(ask.expiresAt), ...[nextReminderAt(ask)].filter((d): d is Date => Boolean(d)));
    for (const entry of Object.values(cohort?.schedule ?? {})) {
      if ('deadline' in entry) due.push(londonTime(entry.deadline));
      else {
        const starts = londonTime(entry.starts);
        due.push(
          starts,
          londonTime(entry.ends),
          addDays(starts, -(programme?.joiningInstructionsDaysBefore ?? 0)),
        );
      }
    }
    due.push(...Object.values(participant.deadlines).map(londonTime));
    const plan = programme?.accreditation;
    if (plan && participant.accreditation) {
      const accreditedAt = new Date(participant.accreditation.accreditedAt);
      for (const report of termlyReports(accreditedAt, plan.termlyFeedback))
        due.push(report.asksAt, report.due);
      const year = reRegistrationYear(accreditedAt, yearsReRegistered(participant) + 1, plan.reRegistration);
      due.push(year.asksAt, year.due);
    }
    return due.map((d) => d.getTime());
  }
}

/** Every breach of the invariants in `snapshot`; `previous`, an earlier snapshot of the same system, shows loops. */
export function findBreaches(snapshot: SystemSnapshot, previous?: SystemSnapshot): Breach[] {
  const view = new View(snapshot);
  return [
    ...snapshot.participants.flatMap((p) => waitsOnSomeone(p, view)),
    ...invitationsWaitOnSomeone(view),
    ...noBusyLoop(view, previous),
    ...directoryOnlyAccredited(view),
    ...noStaleLink(view),
    ...nothingSentTwice(view),
    ...askSaysWhatAndWhen(view),
  ];
}

/** Invariant 1: finished, or exactly one running execution waiting on a named person or a date. */
function waitsOnSomeone(participant: Participant, view: View): Breach[] {
  const breach = (what: string): Breach[] => [
    { invariant: 'waits-on-someone', participantId: participant.participantId, what },
  ];
  const executions = view.executionsOf(participant.participantId);
  const running = executions.filter((e) => e.status === 'RUNNING');
  const where = (e: ExecutionSnapshot) => `${e.name} (${e.workflow}, at ${e.statesEntered.at(-1)})`;
  // An accredited lead's accredited years run until they lapse or are withdrawn.
  const accredited = participant.stage === 'accredited';
  if (FINAL_STAGES.has(participant.stage) && !accredited)
    return running.flatMap((e) => breach(`${participant.stage}, yet ${where(e)} is still running`));
  if (running.length > 1)
    return breach(`${running.length} running executions carry them on: ${running.map(where).join(', ')}`);
  const [current] = running;
  if (!current) {
    const last = executions.at(-1);
    // A step that failed after its retries: the admin was told and must act (fix, then resume them).
    if (last?.status === 'FAILED' && view.adminToldAbout(participant, last.name)) return [];
    return breach(
      `${participant.stage}, and no execution carries them on${last ? `: the last, ${where(last)}, ended ${last.status}` : ''}${last?.status === 'FAILED' ? ' and the admin was not told' : ''}`,
    );
  }
  const expected = accredited ? 'AccreditedYears' : 'ParticipantLifecycle';
  if (current.workflow !== expected)
    return breach(`${participant.stage}, yet ${where(current)} carries them on`);
  if (!current.parked) return breach(`${where(current)} is running but waits on nobody`);
  const asks = view.asksOf(participant);
  // Whom it waits on, decided as the lifecycle decides it; any date will do here.
  const { on } = waitingFor(participant, asks, { what: current.parked.state }, view.now);
  // What the programme team reads (status, report, digest) is what the system does.
  if (participant.waiting && participant.waiting.on !== on)
    return breach(`its record says it waits on ${participant.waiting.on}, but it waits on ${on}`);
  if (on === 'admin')
    return view.adminToldAbout(participant)
      ? []
      : breach(
          `waits on the admin (${asks.expired.map((r) => r.requestId).join(', ')} expired), who was never told`,
        );
  // A person: everyone asked holds a link to their ask that still acts.
  return asks.open.flatMap((ask) => {
    const address = view.currentAddress(ask);
    const asked = view.snapshot.emails.some(
      (e) =>
        address &&
        e.to.map(lower).includes(lower(address)) &&
        view.requestsIn(e, { acting: true }).some((r) => r.requestId === ask.requestId),
    );
    return asked
      ? []
      : breach(
          `waits on the ${askedOf[ask.kind]?.replace('-', ' ')} for ${ask.requestId}, who holds no link to it that still acts`,
        );
  });
}

/**
 * Invariant 1 for a cohort's invitations from its waiting list: a running execution is parked, and one
 * waiting on invitations (`AtInvitations`) has someone holding a link to an open invitation of the cohort
 * that still acts; otherwise (`AtWaitingList`) it waits on a date or on someone joining.
 */
function invitationsWaitOnSomeone(view: View): Breach[] {
  return view.snapshot.executions.flatMap((execution): Breach[] => {
    if (execution.workflow !== 'WaitingListInvitations' || execution.status !== 'RUNNING') return [];
    const breach = (what: string): Breach[] => [
      { invariant: 'invitations-wait-on-someone', what: `${execution.name} ${what}` },
    ];
    if (!execution.parked)
      return breach(`is running at ${execution.statesEntered.at(-1)} but waits on nobody`);
    if (execution.parked.state !== 'AtInvitations') return [];
    const { cohortId } = JSON.parse(execution.input) as { cohortId?: string };
    const invited = view.snapshot.emails.some((email) =>
      view
        .requestsIn(email, { acting: true })
        .some(
          (r) =>
            r.kind === 'place-offer' &&
            r.cohortId === cohortId &&
            r.status === 'open' &&
            email.to.map(lower).includes(lower(r.recipient.email)),
        ),
    );
    return invited ? [] : breach('waits on invitations, yet nobody holds a link to one that acts');
  });
}

/** Invariant 2: no loops, whether it never parks, parks briefly over and over, or moves with nothing changed. */
function noBusyLoop(view: View, previous?: SystemSnapshot): Breach[] {
  const { snapshot } = view;
  const breach = (execution: ExecutionSnapshot, what: string): Breach => ({
    invariant: 'no-busy-loop',
    ...(participantOf(execution) ? { participantId: participantOf(execution) } : {}),
    what: `${execution.name} ${what}`,
  });
  const breaches: Breach[] = [];
  for (const execution of snapshot.executions) {
    if (execution.status !== 'RUNNING') continue;
    const participant = view.participants.get(participantOf(execution) ?? '');
    if (snapshot.unsettled.includes(execution.name))
      breaches.push(breach(execution, `never settles: still moving at ${execution.statesEntered.at(-1)}`));
    const { parked } = execution;
    if (parked && parked.timeoutSeconds < SHORTEST_WAIT_SECONDS && participant) {
      const ends = new Date(parked.since).getTime() + parked.timeoutSeconds * 1000;
      const forSomething = view
        .dueInstants(participant, execution)
        .some((due) => Math.abs(ends - due) <= DUE_TOLERANCE_MS);
      if (!forSomething)
        breaches.push(
          breach(
            execution,
            `waits ${parked.timeoutSeconds} s at ${parked.state} for nothing that falls due then`,
          ),
        );
    }
    const before = previous?.executions.find(
      (e) => e.name === execution.name && e.workflow === execution.workflow,
    );
    if (!before || !previous || !participant) continue;
    const transitions = execution.statesEntered.length - before.statesEntered.length;
    const clockMoved = view.now.getTime() - new Date(previous.now).getTime() >= SHORTEST_WAIT_SECONDS * 1000;
    const then = new View(previous);
    const was = then.participants.get(participant.participantId);
    const unchanged =
      was?.revision === participant.revision &&
      JSON.stringify(then.asksOf(was)) === JSON.stringify(view.asksOf(participant));
    if (!clockMoved && unchanged && transitions > HANDFUL_OF_TRANSITIONS)
      breaches.push(
        breach(
          execution,
          `made ${transitions} transitions with the clock standing still and nothing changed`,
        ),
      );
  }
  return breaches;
}

/** Invariant 3: the public directory lists only leads accredited now. */
function directoryOnlyAccredited(view: View): Breach[] {
  return view.snapshot.directory.flatMap((entry): Breach[] => {
    const participant = view.participants.get(entry.participantId);
    const current =
      participant?.stage === 'accredited' &&
      participant.accreditation &&
      !participant.lapse &&
      !participant.withdrawal;
    return current
      ? []
      : [
          {
            invariant: 'directory-only-accredited',
            participantId: entry.participantId,
            what: `listed in the public directory while ${participant ? participant.stage : 'unknown'}`,
          },
        ];
  });
}

/** Invariant 4: a link stops acting once its purpose is gone (withdrawal, a corrected address). */
function noStaleLink(view: View): Breach[] {
  return view.snapshot.emails.flatMap((email) =>
    view.requestsIn(email, { acting: true }).flatMap((request): Breach[] => {
      const participant = request.participantId ? view.participants.get(request.participantId) : undefined;
      const breach = (what: string): Breach[] => [
        {
          invariant: 'no-stale-link',
          ...(request.participantId ? { participantId: request.participantId } : {}),
          what: `a link to ${request.requestId} ${what}`,
        },
      ];
      if (participant?.withdrawal) return breach('still acts though they were withdrawn');
      const address = view.currentAddress(request);
      if (address && !email.to.map(lower).includes(lower(address)))
        return breach('sent to an address since corrected still acts');
      return [];
    }),
  );
}

/** How many reminders the programme's ladder sends for a kind of ask. */
function remindersOf(request: Request, view: View): number {
  const participant = view.participants.get(request.participantId ?? '');
  const cohort = view.cohorts.get(request.cohortId ?? participant?.cohortId ?? '');
  const programme = programmes.get(participant?.programmeId ?? cohort?.programmeId ?? '');
  if (!programme) return request.remindersSent;
  const ladders: Record<RequestKind, number> = {
    commitment: programme.commitment.ladder.reminderAfterDays.length,
    submission: programme.submissionRemindersDaysBefore.length,
    attendance: programme.cohortLeadAsks.remindersDaysBefore.length,
    feedback: programme.cohortLeadAsks.remindersDaysBefore.length,
    assessment: programme.cohortLeadAsks.remindersDaysBefore.length,
    'termly-feedback': programme.accreditation?.termlyFeedback.remindersDaysBefore.length ?? 0,
    're-registration': programme.accreditation?.reRegistration.remindersDaysBefore.length ?? 0,
    'directory-entry': 0,
    'place-offer': 0,
    'waiting-list-confirmation': 0,
    'application-confirmation': 0,
  };
  return Math.max(request.remindersSent, ladders[request.kind]);
}

/**
 * Invariant 5: one email per purpose. Emails alike (recipient, subject, text with its links blanked,
 * calendar version) about the same requests are one purpose sent again; reminders of one ask read alike,
 * so up to as many as its ladder sends are not repeats, nor is an ask the admin had sent again.
 */
function nothingSentTwice(view: View): Breach[] {
  const groups = new Map<string, EmailSnapshot[]>();
  for (const email of view.snapshot.emails) {
    const calendar = (email.calendar?.match(/^(METHOD|UID|SEQUENCE):.*$/gm) ?? []).join('|');
    const key = JSON.stringify([
      email.to.map(lower).sort(),
      email.subject,
      email.text.replace(LINK_PATH, '/r/…'),
      calendar,
      [...new Set(view.requestsIn(email).map((r) => r.requestId))].sort(),
    ]);
    groups.set(key, [...(groups.get(key) ?? []), email]);
  }
  return [...groups.values()].flatMap(([first, ...more]): Breach[] => {
    if (!first || !more.length) return [];
    const [request, ...others] = view.requestsIn(first);
    const reminders = request && !others.length && first.subject.startsWith(reminderPrefix(1));
    // An ask the admin had sent again (`resend-link`) reads as it did, once more per resend.
    const allowed =
      (reminders ? remindersOf(request, view) : 1) + (others.length ? 0 : (request?.resends ?? 0));
    if (more.length + 1 <= allowed) return [];
    return [
      {
        invariant: 'nothing-sent-twice',
        ...(request?.participantId ? { participantId: request.participantId } : {}),
        what: `"${first.subject}" was sent ${more.length + 1} times to one recipient`,
      },
    ];
  });
}

/** Invariant 6: an ask (an email with a link to a request someone waits on) says by when in its subject. */
function askSaysWhatAndWhen(view: View): Breach[] {
  return view.snapshot.emails.flatMap((email): Breach[] => {
    const asks = view.requestsIn(email).filter((r) => askedOf[r.kind]);
    if (!asks.length || LONDON_DATE.test(email.subject)) return [];
    const participantId = asks.find((r) => r.participantId)?.participantId;
    return [
      {
        invariant: 'ask-says-what-and-when',
        ...(participantId ? { participantId } : {}),
        what: `the ask "${email.subject}" (${asks.map((r) => r.requestId).join(', ')}) does not say by when`,
      },
    ];
  });
}
