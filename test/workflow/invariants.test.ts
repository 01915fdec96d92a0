import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../infra/local/system.js';
import { accreditationTable } from '../../infra/table-design.js';
import { askedToCommit } from '../support/commitment.js';
import { expectNoBreaches } from '../support/invariants.js';
import { createCohort, startTestSystem, waitForState, waitForStatus } from '../support/local-system.js';

/**
 * The whole-system check can fail: on the running local system, each test breaks one invariant on
 * purpose, behind the system's back, and sees the check report it (after seeing it pass before).
 */
let system: LocalSystem;
beforeEach(async () => {
  system = await startTestSystem();
  await createCohort(system);
});
afterEach(() => system.stop());

/** Enrolled, and waiting for their senior leader: a healthy system, as the check first confirms. */
async function waitingForCommitment(email: string) {
  const asked = await askedToCommit(system, email);
  await waitForState(system, asked.executionArn, 'AwaitCommitment');
  await expectNoBreaches(system);
  return asked;
}

describe('the whole-system check on a running system', () => {
  it('reports a withdrawn participant written into the public directory', async () => {
    const { participantId, executionArn } = await waitingForCommitment('listed-withdrawn@school.test');
    await system.admin({ command: 'withdraw-participant', participantId, reason: 'Left teaching' });
    await waitForStatus(system, executionArn, 'SUCCEEDED');
    await expectNoBreaches(system);

    // Straight into the table: the store itself refuses to list anyone whose accreditation is not current.
    const table = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: 'eu-west-2',
        endpoint: system.urls.dynamodb,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    await table.send(
      new PutCommand({
        TableName: accreditationTable.TableName,
        Item: {
          PK: `DIRECTORY#${participantId}`,
          SK: 'DIRECTORY',
          GSI1PK: 'DIRECTORY',
          GSI1SK: `asha patel#${participantId}`,
          type: 'directory-entry',
          participantId,
          programmeId: 'ncetm-pd-lead',
          pathway: 'primary',
          displayName: 'Asha Patel',
          updatedAt: system.clock.now().toISOString(),
        },
      }),
    );
    await expect(expectNoBreaches(system)).rejects.toThrow(
      `directory-only-accredited (${participantId}): listed in the public directory while withdrawn`,
    );
    // The admin sees the same, locally, from the admin endpoint.
    const checked = await fetch(`${system.urls.app}/admin/invariants`, { method: 'POST' });
    expect(await checked.json()).toEqual({
      breaches: [
        {
          invariant: 'directory-only-accredited',
          participantId,
          what: 'listed in the public directory while withdrawn',
        },
      ],
    });
  });

  it('reports a participant whose execution was stopped, so nobody carries them on', async () => {
    const { participantId, executionArn } = await waitingForCommitment('stopped@school.test');
    system.stepFunctions.stopExecution(executionArn);
    await expect(expectNoBreaches(system)).rejects.toThrow(
      new RegExp(
        `waits-on-someone \\(${participantId}\\): awaiting-commitment, and no execution carries them on: the last, ${participantId} .* ended ABORTED`,
      ),
    );
  });

  it('reports a second execution started for a participant who has one running', async () => {
    const { participantId } = await waitingForCommitment('twice@school.test');
    const second = system.stepFunctions.startExecution(
      system.stateMachineArn,
      `${participantId}-again`,
      JSON.stringify({ participantId }),
    );
    await waitForState(system, second.executionArn, 'AwaitCommitment');
    await expect(expectNoBreaches(system)).rejects.toThrow(
      `waits-on-someone (${participantId}): 2 running executions carry them on`,
    );
  });
});
