import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { MILESTONE_SOURCE, type Milestone } from '../../events/milestones.js';

/** PutEvents takes at most ten entries. */
const ENTRIES_PER_PUT = 10;

/** The milestone bus (events/milestones.ts): only the PublishMilestones function puts events on it. */
export interface MilestoneBus {
  /** Puts every milestone on the bus, in order; throws if EventBridge refused any (after trying them all). */
  publish(milestones: Milestone[]): Promise<void>;
}

export function eventBridgeMilestoneBus({
  eventBridge,
  busName,
}: {
  eventBridge: EventBridgeClient;
  busName: string;
}): MilestoneBus {
  return {
    async publish(milestones) {
      const refused: string[] = [];
      for (let start = 0; start < milestones.length; start += ENTRIES_PER_PUT) {
        const entries = milestones.slice(start, start + ENTRIES_PER_PUT);
        const { FailedEntryCount, Entries = [] } = await eventBridge.send(
          new PutEventsCommand({
            Entries: entries.map(({ detailType, detail }) => ({
              EventBusName: busName,
              Source: MILESTONE_SOURCE,
              DetailType: detailType,
              Detail: JSON.stringify(detail),
              Time: new Date(detail.at),
            })),
          }),
        );
        if (FailedEntryCount)
          Entries.forEach((entry, i) => {
            if (entry.ErrorCode) refused.push(`${entries[i]?.detail.milestoneId}: ${entry.ErrorCode}`);
          });
      }
      if (refused.length) throw new Error(`EventBridge refused milestones: ${refused.join('; ')}`);
    },
  };
}
