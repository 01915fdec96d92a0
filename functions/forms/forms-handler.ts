import { setTimeout } from 'node:timers/promises';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Request } from '../domain/request.js';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { formsUrl } from '../shared/forms-url.js';
import { html } from '../shared/html.js';
import { METRIC } from '../shared/metric-names.js';
import { aboutParticipant, logger, metrics, observed, withoutPersonalData } from '../shared/observability.js';
import { idempotency } from '../shared/parts/idempotency.js';
import { mailer } from '../shared/parts/mailer.js';
import { store } from '../shared/parts/store.js';
import { uploads } from '../shared/parts/uploads.js';
import { workflow } from '../shared/parts/workflow.js';
import { applicationConfirmationForm } from './application-confirmation-form.js';
import { assessmentForm } from './assessment-form.js';
import { attendanceForm } from './attendance-form.js';
import { commitmentForm } from './commitment-form.js';
import { directoryEntryForm } from './directory-entry-form.js';
import { feedbackForm } from './feedback-form.js';
import {
  closedLinkPage,
  type Evidence,
  type FieldNames,
  type FormRegistry,
  type FormValues,
  followLink,
  keptPage,
  type LinkState,
  postIdempotencyKey,
  type Visit,
} from './form.js';
import { page, somethingWentWrongPage, tooLargePage, unknownLinkPage } from './pages.js';
import { placeOfferForm } from './place-offer-form.js';
import { reRegistrationForm } from './re-registration-form.js';
import { submissionForm } from './submission-form.js';
import { termlyFeedbackForm } from './termly-feedback-form.js';
import { waitingListConfirmationForm } from './waiting-list-confirmation-form.js';

/**
 * Far above any honest answer (a framework submission is at most three 8,000-character answers, which
 * form encoding can triple), far below anything abusive.
 */
export const MAX_BODY_BYTES = 96 * 1024;

/** Every emailed form, by the kind of request its link belongs to. */
export const forms: FormRegistry = {
  commitment: commitmentForm,
  attendance: attendanceForm,
  submission: submissionForm,
  feedback: feedbackForm,
  assessment: assessmentForm,
  'directory-entry': directoryEntryForm,
  'termly-feedback': termlyFeedbackForm,
  're-registration': reRegistrationForm,
  'place-offer': placeOfferForm,
  'waiting-list-confirmation': waitingListConfirmationForm,
  'application-confirmation': applicationConfirmationForm,
};

/** Reads only the fields the form has; the first value wins if a field is repeated. */
export function readFormBody(body: string, fields: FieldNames): FormValues {
  const params = new URLSearchParams(body);
  const names = Array.isArray(fields)
    ? fields
    : [...new Set(params.keys())].filter((name) => name.startsWith(fields.startingWith));
  return Object.fromEntries(names.flatMap((f) => (params.has(f) ? [[f, params.get(f) ?? '']] : [])));
}

interface PostedAnswer {
  path: string;
  body: string;
  evidence: Evidence;
  visit: Visit;
}

/**
 * The page's own address: its link on the configured forms URL, never the request's Host or
 * X-Forwarded-* headers, so nobody can have S3 send a participant's browser elsewhere.
 */
function visitOf(event: APIGatewayProxyEvent, path: string, { settings }: Dependencies): Visit {
  return {
    pageUrl: formsUrl(settings, `r/${encodeURIComponent(path)}`),
    query: event.queryStringParameters ?? {},
  };
}

/** GET: only ever shows a page. Mail scanners that prefetch links change nothing. */
async function show(path: string, visit: Visit, deps: Dependencies): Promise<APIGatewayProxyResult> {
  const link = await followLink(path, deps);
  if (link.state !== 'unknown') aboutParticipant(link.request);
  if (link.state !== 'open') return closedLinkPage(link, forms, deps);
  return forms[link.request.kind].show(link.request, deps, visit);
}

/**
 * POST: the form validates and records, deciding from the link's one read of the request and whom it is
 * about. A recorded answer's page is kept on the request under the post's key, by the write that answers
 * (or, where the page says what the answer led to, by one after it), so the same post again, a double
 * click or a resubmitted page, gets that page back instead of being processed twice; a page of errors is
 * not kept, and a later post of the same body is judged afresh.
 */
async function answer(
  { path, body, evidence, visit }: PostedAnswer,
  deps: Dependencies,
): Promise<APIGatewayProxyResult> {
  const link = await followLink(path, deps);
  if (link.state === 'unknown') return unknownLinkPage();
  aboutParticipant(link.request);
  const form = forms[link.request.kind];
  const values = readFormBody(body, await form.fields(link.request, deps));
  const replayKey = postIdempotencyKey(path, values);
  if (link.state !== 'open')
    return (await replayed(link, replayKey, deps)) ?? closedLinkPage(link, forms, deps);
  const result = await form.answer({ ...link.request, replayKey }, values, evidence, deps, visit);
  const kept = form.pageFollowsAnswer && keptPage(result);
  if (kept) await deps.store.requests.keepReplayPage(link.request.requestId, { key: replayKey, ...kept });
  if (result.statusCode !== 409 && result.statusCode !== 410) return result;
  // The store refused the answer: the same post may have just been recorded (a double click), or the
  // participant was withdrawn meanwhile, and that is what to say.
  const now = await followLink(path, deps);
  if (now.state === 'withdrawn') return closedLinkPage(now, forms, deps);
  return (await replayed(now, replayKey, deps)) ?? result;
}

const DOUBLE_POST_WAITS = 20;
const DOUBLE_POST_WAIT_MS = 250;

/**
 * The kept page of this same post, if the request was answered by it: on the request as the link read it,
 * or, where the page follows the answer by a moment (a double click can arrive between the two), on the
 * request read again a while later.
 */
async function replayed(link: LinkState, replayKey: string, deps: Dependencies) {
  if (link.state !== 'answered' || !link.request.replays?.includes(replayKey)) return undefined;
  let request: Request | undefined = link.request;
  for (let attempt = 1; attempt <= DOUBLE_POST_WAITS; attempt++) {
    const { key, ...page } = request?.replayPage ?? {};
    if (key === replayKey) return page as APIGatewayProxyResult;
    await setTimeout(DOUBLE_POST_WAIT_MS);
    request = await deps.store.requests.get(link.request.requestId);
  }
  return undefined;
}

const withHeaders = (result: APIGatewayProxyResult, headers: Record<string, string>) => ({
  ...result,
  headers: { ...result.headers, ...headers },
});

/**
 * The emailed-link endpoint: GET /r/{secret} shows the form, POST /r/{secret} answers it. The route's one
 * segment is the link's whole path: its secret and the ids it names (`LinkPath`).
 */
export function formsHandler(dependencies: () => Dependencies) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpHeaderNormalizer())
    .use(observed())
    .handler(async (event) => {
      try {
        const path = event.pathParameters?.secret ?? '';
        if (event.httpMethod === 'GET' || event.httpMethod === 'HEAD') {
          metrics.addMetric(METRIC.formViewed, MetricUnit.Count, 1);
          const deps = dependencies();
          return await show(path, visitOf(event, path, deps), deps);
        }
        if (event.httpMethod !== 'POST')
          return withHeaders(page(405, 'Not allowed', html`<h1>Not allowed</h1>`), { Allow: 'GET, POST' });
        const raw = event.isBase64Encoded
          ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
          : (event.body ?? '');
        if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return tooLargePage();
        const result = await answer(
          {
            path,
            body: raw,
            evidence: {
              ipAddress: event.requestContext?.identity?.sourceIp ?? 'unknown',
              userAgent: event.headers?.['user-agent'] ?? 'unknown',
            },
            visit: visitOf(event, path, dependencies()),
          },
          dependencies(),
        );
        metrics.addMetric(METRIC.formAnswered(result.statusCode), MetricUnit.Count, 1);
        return result;
      } catch (error) {
        logger.error('Form request failed', withoutPersonalData(error));
        metrics.addMetric(METRIC.formFailed, MetricUnit.Count, 1);
        return somethingWentWrongPage();
      }
    });
}

export const handler = formsHandler(composedFor('Forms', store, idempotency, mailer, workflow, uploads));
