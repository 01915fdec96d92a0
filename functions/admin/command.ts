import type { Participant } from '../domain/participant.js';
import type { Request } from '../domain/request.js';
import { wakeParticipant } from '../lifecycle/wake.js';
import type { Dependencies } from '../shared/dependencies.js';
import type { AdminCommand } from './admin-commands.js';

/**
 * A command the data says no to: answered with a reason, never half-done. The reason names people by
 * id only (`participant p-…`), never by name or address: it is the Lambda's error, so it reaches the logs.
 */
export class AdminCommandRejected extends Error {
  override name = 'AdminCommandRejected';
}

/** How a rejection names a participant: by id, which the admin gave and the console and logs show. */
export const participantNamed = ({ participantId }: { participantId: string }) =>
  `Participant ${participantId}`;
/** One wrong field of a command: where it is (`cohort.schedule.day-1.venue`) and why. */
export interface InputIssue {
  path: string;
  message: string;
}

/**
 * A command whose fields are wrong, each named with why. The message holds one `path: why` per line, so
 * it reads the same in the Lambda console, in `aws lambda invoke`'s output and in the CLI, and
 * `inputIssues` reads it back (a Lambda error carries only its name and message).
 */
export class AdminInputInvalid extends Error {
  override name = 'AdminInputInvalid';
  constructor(readonly issues: InputIssue[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n'));
  }
}

/** The wrong fields an `AdminInputInvalid` message lists. */
export const inputIssues = (message: string): InputIssue[] =>
  message
    .split('\n')
    .map((line) => /^(.*?): (.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, path = '', why = '']) => ({ path, message: why }));

export type Command<C extends AdminCommand['command']> = Extract<AdminCommand, { command: C }>;

export async function participantFor(participantId: string, { store }: Dependencies) {
  const participant = await store.participants.get(participantId);
  if (!participant) throw new AdminCommandRejected(`No participant "${participantId}"`);
  if (participant.withdrawal)
    throw new AdminCommandRejected(`${participantNamed(participant)} has been withdrawn`);
  return participant;
}

/** How many waits a change woke, and who had none to wake (no wait parked, or its token already spent). */
export interface Woken {
  waitsWoken: number;
  notWoken: { participantId: string; name: string }[];
}

/** Wakes each participant's waiting execution, saying whom it could not. */
export async function wakeEach(participants: Participant[], deps: Dependencies): Promise<Woken> {
  const woken: Woken = { waitsWoken: 0, notWoken: [] };
  for (const { participantId, person } of participants)
    if (await wakeParticipant(participantId, deps)) woken.waitsWoken += 1;
    else woken.notWoken.push({ participantId, name: person.name });
  return woken;
}

/**
 * Has open asks go out again at once: each is marked by `mark` (false: it closed meanwhile), then the
 * waiting execution is woken to send them; the commitment gate waits on its own request, so it is told
 * to ask again. Returns the requests marked.
 */
export async function askAgainNow(
  participantId: string,
  open: Request[],
  mark: (requestId: string) => Promise<boolean>,
  deps: Dependencies,
): Promise<string[]> {
  const asked: string[] = [];
  for (const request of open) if (await mark(request.requestId)) asked.push(request.requestId);
  await wakeParticipant(participantId, deps);
  const commitment = open.find((r) => r.kind === 'commitment');
  if (commitment?.taskToken)
    await deps.workflow.completeTask(commitment.taskToken, { decision: 'ask-again' });
  return asked;
}
