import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Part } from '../composition.js';
import { eventBridgeMilestoneBus, type MilestoneBus } from '../milestone-bus.js';

/** The milestone bus, when the function is told it (only PublishMilestones is). */
export const milestones: Part<{ milestones?: MilestoneBus }> = {
  name: 'milestones',
  build: (wiring) => {
    const busName = wiring.settings.MILESTONE_BUS_NAME;
    if (!busName) return {};
    return {
      milestones: eventBridgeMilestoneBus({
        eventBridge: wiring.client('events', (config) => new EventBridgeClient(config), true),
        busName,
      }),
    };
  },
};
