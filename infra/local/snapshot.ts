import {
  type ExecutionSnapshot,
  type LinkSnapshot,
  linksIn,
  participantOf,
  type SystemSnapshot,
} from '../../functions/admin/invariants.js';
import type { Participant } from '../../functions/domain/participant.js';
import { type Request, stepRequestId } from '../../functions/domain/request.js';
import { followLink } from '../../functions/forms/form.js';
import { programmes } from '../../functions/programmes/index.js';
import type { LocalExecution } from './step-functions.js';
import type { LocalSystem } from './system.js';

/**
 * A snapshot of the local system for the whole-system invariants (functions/admin/invariants.ts), taken
 * once nothing moves: the records by key and by the per-cohort and per-participant index (no scans), the
 * executions, and every email the local SES mailbox holds. Local only: the executions and the mailbox are
 * the local runtime's own.
 */

/** An email as the local SES mailbox (`GET <mailbox>/store`) keeps it. */
interface MailboxEmail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string };
  attachments?: { contentType: string; content: string }[];
}

const executionSnapshot = (e: LocalExecution): ExecutionSnapshot => ({
  name: e.name,
  workflow: e.stateMachineArn.split(':').pop() ?? '',
  status: e.status,
  input: e.input,
  statesEntered: [...e.statesEntered],
  ...(e.parked
    ? {
        parked: {
          state: e.parked.state,
          since: e.parked.since.toISOString(),
          timeoutSeconds: e.parked.timeoutSeconds,
        },
      }
    : {}),
  startDate: e.startDate.toISOString(),
  ...(e.stopDate ? { stopDate: e.stopDate.toISOString() } : {}),
});

/** Names of executions still moving with nothing parked, if they do not settle: a loop to report, not to wait out. */
async function stillMoving({ stepFunctions }: LocalSystem): Promise<string[]> {
  try {
    await stepFunctions.settled();
    return [];
  } catch {
    return stepFunctions
      .listExecutions()
      .filter((e) => e.status === 'RUNNING' && !e.parked)
      .map((e) => e.name);
  }
}

/** Collects the snapshot: every cohort, everyone enrolled in them, their asks, and what the links do now. */
export async function collectSnapshot(system: LocalSystem): Promise<SystemSnapshot> {
  const unsettled = await stillMoving(system);
  const { store } = system.dependencies;
  const now = system.clock.now();
  const executions = system.stepFunctions.listExecutions().map(executionSnapshot);
  const stored = (await (await fetch(`${system.urls.mailbox}/store`)).json()) as { emails: MailboxEmail[] };
  const emails = stored.emails.map((e) => {
    const calendar = e.attachments?.find((a) => a.contentType.startsWith('text/calendar'));
    return {
      to: e.destination.to,
      subject: e.subject,
      text: e.body.text ?? '',
      ...(calendar ? { calendar: Buffer.from(calendar.content, 'base64').toString('utf8') } : {}),
    };
  });

  const requests = new Map<string, Request>();
  const links: LinkSnapshot[] = [];
  const emailed = new Map(
    emails.flatMap((e) => linksIn(e.text)).map(({ path, linkHash }) => [path, linkHash]),
  );
  for (const [path, linkHash] of emailed) {
    // What the forms endpoint would do with it now: the same judgement people meet.
    const followed = await followLink(path, system.dependencies);
    if (followed.state === 'unknown') continue;
    requests.set(followed.request.requestId, followed.request);
    links.push({
      linkHash,
      requestId: followed.request.requestId,
      acts: followed.state === 'open',
    });
  }
  const directory = await store.directory.list();

  // Everyone the executions, the directory and the links name (a test may write one straight into the
  // store), then every cohort (Query on GSI1) and everyone enrolled in each.
  const participants = new Map<string, Participant>();
  for (const id of new Set([
    ...executions.map(participantOf),
    ...directory.map((d) => d.participantId),
    ...[...requests.values()].map((r) => r.participantId),
  ])) {
    const participant = id ? await store.participants.get(id) : undefined;
    if (participant) participants.set(participant.participantId, participant);
  }
  const cohorts = await store.cohorts.list();
  for (const cohort of cohorts) {
    const { cohortId } = cohort;
    for (const participant of await store.participants.inCohort(cohortId))
      participants.set(participant.participantId, participant);
    // The cohort's registers, by their keys: one per development day.
    for (const step of programmes.get(cohort.programmeId)?.steps ?? []) {
      if (step.kind !== 'development-day') continue;
      const register = await store.requests.get(stepRequestId(step.id, cohortId));
      if (register) requests.set(register.requestId, register);
    }
  }
  for (const participantId of participants.keys())
    for (const request of await store.requests.ofParticipant(participantId))
      requests.set(request.requestId, request);

  return {
    now: now.toISOString(),
    adminEmail: system.dependencies.settings.ADMIN_EMAIL,
    participants: [...participants.values()],
    requests: [...requests.values()],
    links,
    cohorts,
    directory,
    executions,
    emails,
    unsettled,
  };
}
