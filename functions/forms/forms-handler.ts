import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { CommitmentFormValues } from '../domain/commitment.js';
import { type Dependencies, IDEMPOTENCY_WINDOW_SECONDS, lambdaDependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';
import { logger, metrics, tracer } from '../shared/observability.js';
import {
  answerCommitment,
  type PostedAnswer,
  postIdempotencyKey,
  showCommitmentForm,
} from './commitment-form.js';
import { page, somethingWentWrongPage, tooLargePage } from './pages.js';

/** Far above any honest answer (the longest field is 1,000 characters), far below anything abusive. */
export const MAX_BODY_BYTES = 16 * 1024;

const formFields: (keyof CommitmentFormValues)[] = ['decision', 'signedBy', 'role', 'agree', 'reason'];

/** Reads only the fields the form has; the first value wins if a field is repeated. */
export function readFormBody(body: string): CommitmentFormValues {
  const params = new URLSearchParams(body);
  return Object.fromEntries(formFields.flatMap((f) => (params.has(f) ? [[f, params.get(f) ?? '']] : [])));
}

/**
 * The emailed-link endpoint: GET /r/{secret} shows the form, POST /r/{secret} answers it.
 * A double-posted answer is replayed from the idempotency record instead of being processed twice.
 */
export function formsHandler(dependencies: () => Dependencies = lambdaDependencies) {
  type KeyedAnswer = PostedAnswer & { idempotencyKey: string };
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'idempotencyKey',
    expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
  });
  let answerOnce: ((posted: KeyedAnswer) => Promise<APIGatewayProxyResult>) | undefined;
  const answer = (posted: PostedAnswer, context: Context) => {
    const deps = dependencies();
    config.registerLambdaContext(context);
    answerOnce ??= makeIdempotent((p: KeyedAnswer) => answerCommitment(p, deps), {
      persistenceStore: deps.idempotencyStore,
      config,
    });
    return answerOnce({ ...posted, idempotencyKey: postIdempotencyKey(posted) });
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpHeaderNormalizer())
    .use(injectLambdaContext(logger))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics))
    .handler(async (event, context) => {
      try {
        const secret = event.pathParameters?.secret ?? '';
        if (event.httpMethod === 'GET' || event.httpMethod === 'HEAD') {
          metrics.addMetric('FormViewed', MetricUnit.Count, 1);
          return await showCommitmentForm(secret, dependencies());
        }
        if (event.httpMethod !== 'POST')
          return { ...page(405, 'Not allowed', html`<h1>Not allowed</h1>`), headers: { Allow: 'GET, POST' } };
        const raw = event.isBase64Encoded
          ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
          : (event.body ?? '');
        if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return tooLargePage();
        const result = await answer(
          {
            secret,
            fields: readFormBody(raw),
            ipAddress: event.requestContext?.identity?.sourceIp ?? 'unknown',
            userAgent: event.headers?.['user-agent'] ?? 'unknown',
          },
          context,
        );
        metrics.addMetric(`FormAnswered${result.statusCode}`, MetricUnit.Count, 1);
        return result;
      } catch (error) {
        logger.error('Form request failed', error as Error);
        return somethingWentWrongPage();
      }
    });
}

export const handler = formsHandler();
