import { programmes } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import { addToWaitingList } from '../waiting-list/joining.js';
import type { AdminResult } from './admin-commands.js';
import { AdminCommandRejected, type Command } from './command.js';

/** Puts someone on a programme pathway's waiting list, at the back; run again, it changes nothing. */
export async function waitlistAdd(
  command: Command<'waitlist-add'>,
  deps: Dependencies,
): Promise<AdminResult> {
  const programme = programmes.get(command.programmeId);
  if (!programme) throw new AdminCommandRejected(`No programme "${command.programmeId}"`);
  if (!programme.pathways.includes(command.pathway))
    throw new AdminCommandRejected(`${programme.name} has no ${command.pathway} pathway`);
  const { person, school, seniorLeader } = command;
  const { entryId, added } = await addToWaitingList(
    programme.id,
    command.pathway,
    { person, school, seniorLeader },
    deps,
  );
  return { command: 'waitlist-add', entryId, alreadyOnList: !added };
}
