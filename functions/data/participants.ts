import type { Cohort } from '../domain/cohort.js';
import {
  type Commitment,
  Participant,
  type SeniorLeader,
  type Stage,
  type StepOutcome,
  type Waiting,
} from '../domain/participant.js';
import { LondonLocalTime } from '../domain/time.js';
import { keys, statusIndex, type Table } from './table.js';

/** A participant as the status index (GSI2) holds them: what a status row shows. */
export const WaitingParticipant = Participant.pick({
  participantId: true,
  person: true,
  cohortId: true,
  stage: true,
  waiting: true,
});
export type WaitingParticipant = ReturnType<typeof WaitingParticipant.parse>;

/** A participant still on the programme: their record takes answers (a withdrawn one takes none). */
const ON_THE_PROGRAMME = 'attribute_exists(PK) AND attribute_not_exists(withdrawal)';

/** Participant records: the truth about where each participant is. */
export class ParticipantItems {
  constructor(private readonly table: Table) {}

  create(participant: Participant): Promise<boolean> {
    return this.table.create({
      ...keys.participant(participant.participantId),
      GSI1PK: `COHORT#${participant.cohortId}`,
      GSI1SK: `PARTICIPANT#${participant.participantId}`,
      type: 'participant',
      ...participant,
    });
  }

  async get(participantId: string): Promise<Participant | undefined> {
    const item = await this.table.get(keys.participant(participantId));
    return item && Participant.parse(item);
  }

  /** The participant record is the truth: the first answer recorded wins, later ones are refused. */
  recordCommitment(participantId: string, commitment: Commitment): Promise<boolean> {
    return this.setOnce(participantId, 'commitment', commitment);
  }

  /**
   * Sets a participant's attribute if it has none yet: false (and nothing written) if it has, or if the
   * participant has been withdrawn (nothing more is recorded for them).
   */
  private setOnce(participantId: string, attribute: 'commitment' | 'accreditation', value: unknown) {
    return this.table.update(
      keys.participant(participantId),
      'SET #attribute = :value',
      `${ON_THE_PROGRAMME} AND attribute_not_exists(#attribute)`,
      { ':value': value },
      { '#attribute': attribute },
    );
  }

  setStage(participantId: string, stage: Stage): Promise<boolean> {
    return this.table.update(keys.participant(participantId), 'SET stage = :stage', 'attribute_exists(PK)', {
      ':stage': stage,
    });
  }

  /**
   * A lapsed accreditation restored by the programme team: accredited again, the lapse moved into the
   * record's reinstatements (so what happened stays on it), the execution to carry on named, and a waiting
   * execution told. Once only per lapse.
   */
  reinstate(
    participantId: string,
    reinstatement: { reason: string; at: string; lapse: unknown },
    execution: NonNullable<Participant['execution']>,
  ) {
    return this.table.update(
      keys.participant(participantId),
      'SET stage = :accredited, reinstatements = list_append(if_not_exists(reinstatements, :none), :this), execution = :execution, revision = revision + :one REMOVE lapse',
      'attribute_exists(lapse)',
      {
        ':accredited': 'accredited',
        ':none': [],
        ':this': [reinstatement],
        ':execution': execution,
        ':one': 1,
      },
    );
  }

  /**
   * Names the execution that carries the participant on, before it is started (intent first): a failed
   * start leaves the name to start again, and a stranded participant is found by describing it. With
   * `stage`, the stage it carries them on in, in the same write.
   */
  recordExecution(participantId: string, execution: NonNullable<Participant['execution']>, stage?: Stage) {
    return this.table.update(
      keys.participant(participantId),
      `SET execution = :execution${stage ? ', stage = :stage' : ''}`,
      'attribute_exists(PK)',
      { ':execution': execution, ...(stage && { ':stage': stage }) },
    );
  }

  /**
   * Records that an outcome email goes out, before it is sent (its claim); false if it already had (so
   * the caller sends nothing).
   */
  markNotified(participantId: string, outcome: string, at: Date): Promise<boolean> {
    return this.table.update(
      keys.participant(participantId),
      'SET notified.#outcome = :at',
      'attribute_exists(PK) AND attribute_not_exists(notified.#outcome)',
      { ':at': at.toISOString() },
      { '#outcome': outcome },
    );
  }

  /** Takes back `markNotified` of `at` (its email failed to go), so the step's retry sends it. */
  unmarkNotified(participantId: string, outcome: string, at: Date): Promise<boolean> {
    return this.table.update(
      keys.participant(participantId),
      'REMOVE notified.#outcome',
      'notified.#outcome = :at',
      { ':at': at.toISOString() },
      { '#outcome': outcome },
    );
  }

  /** Everyone enrolled in a cohort (Query on GSI1), for the cohort-wide attendance form and date changes. */
  async inCohort(cohortId: string): Promise<Participant[]> {
    const items = await this.table.queryGsi1(`COHORT#${cohortId}`, 'PARTICIPANT#');
    // GSI reads are eventually consistent: each record is read itself (all at once) before acting on it.
    const records = await this.table.getMany(
      items.map((item) => keys.participant(String(item.participantId))),
    );
    return records
      .flatMap((item) => (item ? [Participant.parse(item)] : []))
      .filter((participant) => participant.cohortId === cohortId);
  }

  /**
   * Records a step's outcome once (the first answer wins) and bumps the revision so a waiting
   * execution notices. `replace` lets a resubmission overwrite the previous attempt. A withdrawn
   * participant's record takes no more outcomes: false, and nothing written. Returns the record as
   * written, whose `waitToken` is the wait parked at that instant: the one to wake, with no second read.
   */
  async recordStepOutcome(
    participantId: string,
    stepId: string,
    outcome: StepOutcome,
    replace?: { attemptBelow: number },
  ): Promise<Participant | false> {
    const condition = replace
      ? `${ON_THE_PROGRAMME} AND (attribute_not_exists(progress.#step) OR progress.#step.attempt < :attempt)`
      : `${ON_THE_PROGRAMME} AND attribute_not_exists(progress.#step)`;
    const written = await this.table.updateReturning(
      keys.participant(participantId),
      'SET progress.#step = :outcome, revision = revision + :one',
      condition,
      { ':outcome': outcome, ':one': 1, ...(replace ? { ':attempt': replace.attemptBelow } : {}) },
      { '#step': stepId },
    );
    return written ? Participant.parse(written) : false;
  }

  /**
   * A change a waiting execution must react to: bumps the revision (and applies `set`, if any). A change
   * that ends an accreditation's currency (a lapse, a withdrawal) then takes the directory entry down:
   * with `directory.save`'s look after writing, no entry outlives it, whatever order callers use.
   */
  async change(
    participantId: string,
    set: Record<string, unknown> = {},
    condition = 'attribute_exists(PK)',
  ): Promise<boolean> {
    const names = Object.fromEntries(Object.keys(set).map((k, i) => [`#f${i}`, k]));
    const values = Object.fromEntries(Object.values(set).map((v, i) => [`:v${i}`, v]));
    const assignments = Object.keys(set).map((_, i) => `#f${i} = :v${i}`);
    const changed = await this.table.update(
      keys.participant(participantId),
      `SET ${[...assignments, 'revision = revision + :one'].join(', ')}`,
      condition,
      { ...values, ':one': 1 },
      Object.keys(names).length ? names : undefined,
    );
    if (changed && ('lapse' in set || 'withdrawal' in set))
      await this.table.delete(keys.directoryEntry(participantId));
    return changed;
  }

  /**
   * Who the lifecycle waits on now, with the status index's keys (GSI2). The revision stays as it is:
   * nothing waits on this, so a wait about to park is not sent back to look again.
   */
  recordWaiting(participantId: string, waiting: Waiting, mathsHub: string): Promise<boolean> {
    return this.table.update(
      keys.participant(participantId),
      'SET waiting = :waiting, GSI2PK = :stage, GSI2SK = :due',
      'attribute_exists(PK)',
      {
        ':waiting': waiting,
        ':stage': statusIndex.partition(waiting.stage),
        ':due': statusIndex.sortKey(mathsHub, waiting.nextDeadline, participantId),
      },
    );
  }

  /** Everyone whose lifecycle last recorded them at `stage` (in one Maths Hub's cohorts, if given): GSI2. */
  async waitingAt(stage: Stage, mathsHub?: string): Promise<WaitingParticipant[]> {
    const items = await this.table.queryGsi2(
      statusIndex.partition(stage),
      mathsHub === undefined ? undefined : statusIndex.hubPrefix(mathsHub),
    );
    return items.map((item) => WaitingParticipant.parse(item));
  }

  /** Grants an extension: this participant's deadline for the step, as a London time (refused if not one). */
  async setDeadline(participantId: string, stepId: string, localTime: string): Promise<boolean> {
    return this.table.update(
      keys.participant(participantId),
      'SET deadlines.#step = :at, revision = revision + :one',
      'attribute_exists(PK)',
      { ':at': LondonLocalTime.parse(localTime), ':one': 1 },
      { '#step': stepId },
    );
  }

  /**
   * Parks the execution's token on the participant, but only if nothing changed since the step that
   * decided to wait read the record; false means "look again now". With `waiting`, the same write
   * records whom the participant now waits on (as `recordWaiting` does), so a wait costs one write.
   */
  saveWaitToken(
    participantId: string,
    taskToken: string,
    revision: number,
    waiting?: { waiting: Waiting; mathsHub: string },
  ): Promise<boolean> {
    return this.table.update(
      keys.participant(participantId),
      `SET waitToken = :token${waiting ? ', waiting = :waiting, GSI2PK = :stage, GSI2SK = :due' : ''}`,
      'revision = :revision',
      {
        ':token': taskToken,
        ':revision': revision,
        ...(waiting && {
          ':waiting': waiting.waiting,
          ':stage': statusIndex.partition(waiting.waiting.stage),
          ':due': statusIndex.sortKey(waiting.mathsHub, waiting.waiting.nextDeadline, participantId),
        }),
      },
    );
  }

  /**
   * Moves a deferred participant into a later cohort, naming the execution that carries them on there.
   * What they completed stays in `progress`; days they missed are cleared, so the later cohort's days are
   * theirs to attend, and so are extensions of deadlines still to meet (they were to the old cohort's dates).
   * The record takes the new cohort's Maths Hub with it.
   */
  moveToCohort(
    participant: Participant,
    to: Pick<Cohort, 'cohortId' | 'mathsHub'>,
    reason: string,
    at: Date,
    execution: NonNullable<Participant['execution']>,
  ): Promise<boolean> {
    const missed = Object.entries(participant.progress)
      .filter(([, outcome]) => outcome.outcome === 'absent')
      .map(([stepId]): [string, string] => ['progress', stepId]);
    const extended = Object.keys(participant.deadlines)
      .filter((stepId) => !participant.progress[stepId])
      .map((stepId): [string, string] => ['deadlines', stepId]);
    const cleared = [...missed, ...extended];
    const names = Object.fromEntries(cleared.map(([, stepId], i) => [`#step${i}`, stepId]));
    const removals = cleared.map(([map], i) => `${map}.#step${i}`);
    return this.table.update(
      keys.participant(participant.participantId),
      'SET cohortId = :to, mathsHub = :hub, GSI1PK = :gsi, deferrals = list_append(deferrals, :deferral), execution = :execution, revision = revision + :one' +
        (removals.length ? ` REMOVE ${removals.join(', ')}` : ''),
      'cohortId = :from',
      {
        ':to': to.cohortId,
        ':hub': to.mathsHub,
        ':from': participant.cohortId,
        ':gsi': `COHORT#${to.cohortId}`,
        ':deferral': [{ fromCohortId: participant.cohortId, reason, at: at.toISOString() }],
        ':execution': execution,
        ':one': 1,
      },
      removals.length ? names : undefined,
    );
  }

  /**
   * Erases a senior leader from a participant's record (their details, and their commitment as given), while
   * it still names them: the participant's own data stays.
   */
  forgetSeniorLeader(participantId: string, address: string, nobody: SeniorLeader, commitment?: Commitment) {
    return this.table.update(
      keys.participant(participantId),
      `SET seniorLeader = :nobody${commitment ? ', commitment = :commitment' : ''}`,
      'seniorLeader.email = :address',
      { ':nobody': nobody, ':address': address, ...(commitment && { ':commitment': commitment }) },
    );
  }

  /** The last step of erasing someone's data: their record itself (its anonymous copy is kept apart). */
  remove(participantId: string): Promise<void> {
    return this.table.delete(keys.participant(participantId));
  }

  /** Accreditation is recorded once, with the verification code printed on the certificate. */
  recordAccreditation(participantId: string, accreditation: NonNullable<Participant['accreditation']>) {
    return this.setOnce(participantId, 'accreditation', accreditation);
  }

  /** Mirrors the lead's directory choice on their accreditation, for the programme team. */
  setListedInDirectory(participantId: string, listed: boolean): Promise<boolean> {
    return this.table.update(
      keys.participant(participantId),
      'SET accreditation.listedInDirectory = :listed',
      listed
        ? 'attribute_exists(accreditation) AND attribute_not_exists(lapse) AND attribute_not_exists(withdrawal)'
        : 'attribute_exists(accreditation)',
      { ':listed': listed },
    );
  }
}
