import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type middy from '@middy/core';
import { METRICS_NAMESPACE } from './metric-names.js';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'pd-accreditation';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({
  serviceName,
  namespace: METRICS_NAMESPACE,
});
export const tracer = new Tracer({ serviceName });

/**
 * What every handler is logged, traced and measured by. Logs and traces hold ids, never personal data:
 * the handler's response is not traced (pages carry names, answers, link secrets and presigned URLs;
 * task results carry what was decided about a person), an error leaves the handler without the email
 * addresses AWS puts in some messages (SES names the refused recipient), and the log keys of one
 * invocation (whose it is) do not carry over to the next.
 */
export const observed = (): middy.MiddlewareObj[] => [
  injectLambdaContext(logger, { resetKeys: true }),
  captureLambdaHandler(tracer, { captureResponse: false }),
  logMetrics(metrics),
  // Registered last, so its onError runs first: the tracer and the logs only see the cleaned error.
  {
    onError: (request) => {
      request.error = withoutPersonalData(request.error);
    },
  },
];

/**
 * Whom an invocation is about, by id only, on every log line (keys) and the trace (annotations): how an
 * admin follows one participant through CloudWatch and X-Ray.
 */
export function aboutParticipant({
  participantId,
  executionName,
}: {
  participantId?: string;
  executionName?: string;
}) {
  // Picked by name: callers pass whole records and requests, and nothing else of them may be logged.
  const known = Object.entries({ participantId, executionName }).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
  );
  logger.appendKeys(Object.fromEntries(known));
  for (const [key, value] of known) tracer.putAnnotation(key, value);
}

const EMAIL_ADDRESS = /[^\s@"'<>(),;:[\]]+@[^\s@"'<>(),;:[\]]+\.[^\s@"'<>(),;:[\]]+/g;

/**
 * The same error (its name, so Retry and Catch still match it, and its stack frames) with every email
 * address taken out of its message: what is thrown becomes the Lambda's error, its log line, its trace's
 * error metadata and the Cause the admin-failure step receives in the execution history.
 */
export function withoutPersonalData(error: unknown): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const message = original.message.replace(EMAIL_ADDRESS, '<email address>');
  if (message === original.message) return original;
  const cleaned = new Error(message);
  cleaned.name = original.name;
  const frames = (original.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  cleaned.stack = [`${original.name}: ${message}`, ...frames].join('\n');
  return cleaned;
}
