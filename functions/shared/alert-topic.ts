import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { IDEMPOTENCY_WINDOW_SECONDS } from './idempotency.js';

/** An alert for the programme team: the topic emails it to the admin. Plain text, ids only. */
export interface Alert {
  /** At most 100 printable ASCII characters, as SNS requires (it becomes the email's subject). */
  subject: string;
  message: string;
}

/** The admin's SNS topic, for what only a look across every participant finds (the reconciler). */
export interface AlertTopic {
  /** Publishes once per `idempotencyKey`: a retried Lambda that already published gets the first result. */
  publish(alert: Alert, idempotencyKey: string): Promise<{ messageId: string }>;
  /** Lets idempotency records expire with the invocation if the Lambda dies mid-publish. */
  registerLambdaContext(context: Context): void;
}

export function snsAlertTopic({
  sns,
  topicArn,
  persistenceStore,
}: {
  sns: SNSClient;
  topicArn: string;
  persistenceStore: BasePersistenceLayer;
}): AlertTopic {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'idempotencyKey',
    expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
  });
  const publishOnce = makeIdempotent(
    async ({ alert }: { idempotencyKey: string; alert: Alert }) => {
      const { MessageId } = await sns.send(
        new PublishCommand({ TopicArn: topicArn, Subject: alert.subject, Message: alert.message }),
      );
      return { messageId: MessageId ?? '' };
    },
    { persistenceStore, config },
  );
  return {
    publish: (alert, idempotencyKey) => publishOnce({ idempotencyKey, alert }),
    registerLambdaContext: (context) => config.registerLambdaContext(context),
  };
}
