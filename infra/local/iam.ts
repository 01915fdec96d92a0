import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type FunctionName,
  type Grant,
  grantOf,
  grantsOf,
  permissions,
  type Resource,
} from '../../functions/permissions.js';
import { iamActionOf } from '../iam-actions.js';
import { accreditationTable, idempotencyTable } from '../table-design.js';
import { inInvocationSlot } from './invocation-slots.js';
import { usage } from './usage.js';

/**
 * IAM, locally: a call a function's role would not allow fails as AWS fails it (AccessDeniedException),
 * so every test that runs a function also proves functions/permissions.ts grants what it calls. The
 * function under way is known by an AsyncLocalStorage set where the local runtime invokes it; calls from
 * outside any function (the runtime itself, tests) are not checked.
 */
const invoking = new AsyncLocalStorage<FunctionName>();

/**
 * Runs `invocation` as the named function, once a slot is free: its AWS calls are checked against its
 * grants. `invocation` makes its Lambda context when it starts, so its timeout counts from then. It is
 * metered as asked for, before its slot: on AWS an invocation asked for while every environment is busy
 * gets an environment (a cold start) of its own rather than a place in a queue.
 */
export const asFunction = <T>(name: FunctionName, invocation: () => Promise<T>): Promise<T> =>
  invoking.run(name, () => usage.invoke(name, () => inInvocationSlot(invocation)));

export interface Guardable {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: object }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: object }) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** Each function's grants, worked out from its declaration once rather than on every call. */
const grantsByFunction = new Map(
  (Object.keys(permissions) as FunctionName[]).map((name) => [name, new Set(grantsOf(permissions[name]))]),
);

/** Checks every call made through `client` against the calling function's grants. */
export function enforceGrants(client: object) {
  (client as Guardable).middlewareStack.add(
    (next, context) => async (args) => {
      const caller = invoking.getStore();
      if (caller) {
        const allowed = grantsByFunction.get(caller) ?? new Set();
        const needed = grantsFor(context.commandName ?? '', args.input as Record<string, unknown>);
        const refused =
          needed.length === 0 ? [`${context.commandName}`] : needed.filter((g) => !allowed.has(g));
        if (refused.length > 0)
          throw Object.assign(
            new Error(
              `${caller} is not authorized to perform: ${refused.join(', ')} (functions/permissions.ts)`,
            ),
            { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } },
          );
      }
      return next(args);
    },
    { step: 'initialize', name: 'localIamGrants' },
  );
}

const tables: Record<string, 'Accreditation' | 'Idempotency'> = {
  [accreditationTable.TableName]: 'Accreditation',
  [idempotencyTable.TableName]: 'Idempotency',
};
const machineOf = (arn = '') => (arn.split(/:(?:stateMachine|execution):/)[1] ?? '').split(':')[0];

/** What a call needs, as grants; none for a call this system never makes (refused). */
function grantsFor(command: string, input: Record<string, unknown>): Grant[] {
  const action = iamActionOf[command] ?? '';
  const [service] = action.split(':');
  const text = (field: string) => (typeof input[field] === 'string' ? input[field] : '');
  const on = (resource: string) => [grantOf(resource as Resource, action)];
  // A batch names its tables in RequestItems: it needs the action on each.
  const named = input.RequestItems ? Object.keys(input.RequestItems) : [text('TableName')];
  const onTables = named.map((name) => tables[name]);
  if (service === 'dynamodb' && onTables.length > 0 && onTables.every(Boolean))
    return onTables.flatMap((table) =>
      on(input.IndexName ? `${table}/index/${text('IndexName')}` : `${table}`),
    );
  const prefix = (text('Key') || text('Prefix')).split('/')[0];
  if (service === 's3' && (prefix === 'uploads' || prefix === 'certificates')) return on(`${prefix}/`);
  if (service === 'ses') return on('email');
  if (service === 'sns') return on('alerts');
  if (service === 'events') return on('milestones');
  // A task token does not say whose it is: granted on both state machines, as the declaration does.
  if (action === 'states:SendTaskSuccess')
    return [...on('ParticipantLifecycle'), ...on('AccreditedYears'), ...on('WaitingListInvitations')];
  const machine = machineOf(text('stateMachineArn') || text('executionArn'));
  if (service === 'states' && machine) return on(machine);
  return [];
}
