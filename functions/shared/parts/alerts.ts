import { SNSClient } from '@aws-sdk/client-sns';
import { type AlertTopic, snsAlertTopic } from '../alert-topic.js';
import type { Part } from '../composition.js';
import { idempotency } from './idempotency.js';

/** The admin's SNS topic, when the function is told it (only the reconciler is), each alert published once. */
export const alerts: Part<{ alerts?: AlertTopic }> = {
  name: 'alerts',
  build: (wiring) => {
    const topicArn = wiring.settings.ALERT_TOPIC_ARN;
    if (!topicArn) return {};
    return {
      alerts: snsAlertTopic({
        sns: wiring.client('sns', (config) => new SNSClient(config)),
        topicArn,
        persistenceStore: wiring.use(idempotency).idempotencyStore,
      }),
    };
  },
};
