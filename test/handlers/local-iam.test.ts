import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, Table } from '../../functions/data/table.js';
import { asFunction, enforceGrants } from '../../infra/local/iam.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { accreditationTable } from '../../infra/table-design.js';
import { startTestSystem } from '../support/local-system.js';

/**
 * IAM, locally: each function's AWS calls are checked against its entry in functions/permissions.ts, so
 * every test that runs a function proves its grants, as AWS would with an AccessDeniedException.
 */
let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system?.stop());

const deps = () => system.dependencies;
const refused = (what: string) =>
  expect.objectContaining({ name: 'AccessDeniedException', message: expect.stringContaining(what) });

describe('the local runtime checks each call against the calling function’s grants', () => {
  it('a call the function is not granted fails with AccessDeniedException, naming the grant', async () => {
    await expect(
      asFunction('Reconcile', () => deps().store.participants.setStage('p-nobody', 'withdrawn')),
    ).rejects.toEqual(refused('Reconcile is not authorized to perform: Accreditation dynamodb:UpdateItem'));
    const execution = { workflow: 'ParticipantLifecycle', name: 'p-nobody' } as const;
    await expect(
      asFunction('Reconcile', () => deps().workflow.startExecution(execution, {})),
    ).rejects.toEqual(
      refused('Reconcile is not authorized to perform: ParticipantLifecycle states:StartExecution'),
    );
    await expect(asFunction('Forms', () => deps().workflow.describeExecution(execution))).rejects.toEqual(
      refused('Forms is not authorized to perform: ParticipantLifecycle states:DescribeExecution'),
    );
  });

  it('a batch read needs BatchGetItem on the table it names', async () => {
    const client = new DynamoDBClient({
      region: 'eu-west-2',
      endpoint: system.urls.dynamodb,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    enforceGrants(client);
    const table = new Table(client, accreditationTable.TableName);
    await expect(
      asFunction('PublishMilestones', () => table.getMany([keys.participant('p-nobody')])),
    ).rejects.toEqual(
      refused('PublishMilestones is not authorized to perform: Accreditation dynamodb:BatchGetItem'),
    );
  });

  it('what the function is granted goes through, and calls from outside any function are not checked', async () => {
    await expect(
      asFunction('Public', () => deps().store.cohorts.get('no-such-cohort')),
    ).resolves.toBeUndefined();
    await expect(
      asFunction('Admin', () => deps().store.participants.get('p-nobody')),
    ).resolves.toBeUndefined();
    await expect(deps().store.participants.setStage('p-nobody', 'withdrawn')).resolves.toBe(false);
  });
});
