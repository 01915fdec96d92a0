import { createHash } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Participant } from '../domain/participant.js';
import {
  currentAddress,
  hashLinkSecret,
  isExpired,
  LinkPath,
  namesItsLink,
  type Request,
  type RequestKind,
  recipientDigest,
} from '../domain/request.js';
import type { Dependencies } from '../shared/dependencies.js';
import { replacedLinkPage, unknownLinkPage, withdrawnLinkPage } from './pages.js';

/**
 * A request as its link found it, with the participant record read alongside (`about`, when the request is
 * about one), so a form decides from that one read instead of reading the record again, and the key of the
 * post being answered (`replayKey`), noted on the request by the write that answers it.
 */
export type Asked = Request & { readonly about?: Participant; readonly replayKey?: string };

/**
 * A form's fields: their names, or what every name starts with (a register's one field per person, so a
 * post is read without first reading who is on it; the answer checks the fields against the register).
 */
export type FieldNames = string[] | { startingWith: string };

/** What the person typed, by field name, exactly as posted: re-rendered on error so nothing is lost. */
export type FormValues = Record<string, string>;

/** Who answered, as the request arrived: kept as evidence with commitments. */
export interface Evidence {
  ipAddress: string;
  userAgent: string;
}

/**
 * How the person reached the page: its own address (where a form outside our site, an upload straight to
 * S3, sends the browser back) and the query string that came with it. Only the submission form uses it.
 */
export interface Visit {
  pageUrl: string;
  query: Record<string, string | undefined>;
}

/**
 * One kind of emailed form. The shared handler finds the request behind a link and passes it here; a
 * form only ever sees an open, unexpired request. `answer` validates, records with conditional writes
 * (the first answer wins), then wakes whichever executions wait for it.
 */
export interface RequestForm {
  /**
   * Each post does again what it says (the directory entry: saved as posted), rather than answering the
   * request once: a repeated post is simply done again, so no page is kept to replay.
   */
  repeatable?: true;
  /**
   * Its page says what the answer led to (a place taken, a list joined), known only once the answer is
   * written: so it is kept by a write of its own after it, not by the answer's (as `recordAnswer` keeps
   * the others').
   */
  pageFollowsAnswer?: true;
  /** The fields this form reads from a posted body; anything else is ignored. */
  fields(request: Asked, deps: Dependencies): Promise<FieldNames>;
  show(request: Asked, deps: Dependencies, visit?: Visit): Promise<APIGatewayProxyResult>;
  answer(
    request: Asked,
    values: FormValues,
    evidence: Evidence,
    deps: Dependencies,
    visit?: Visit,
  ): Promise<APIGatewayProxyResult>;
  /** 409: a second click after the answer. */
  alreadyAnswered(request: Asked, deps: Dependencies): Promise<APIGatewayProxyResult>;
  /** 410: the deadline passed. */
  expired(request: Asked, deps: Dependencies): Promise<APIGatewayProxyResult>;
}

/**
 * The page of a post to keep for the same post again: only a recorded answer's (200); a page of errors, or
 * of an answer refused, is not kept, and a later post of the same body is judged afresh.
 */
export const keptPage = ({ statusCode, headers, body }: APIGatewayProxyResult) =>
  statusCode === 200
    ? { statusCode, body, ...(headers && { headers: headers as Record<string, string | number | boolean> }) }
    : undefined;

export type LinkState =
  | { state: 'unknown' }
  | { state: 'withdrawn' | 'replaced' | 'answered' | 'expired' | 'open'; request: Asked };

/**
 * What an emailed link (`path`, as `LinkPath` reads it) leads to right now. Malformed paths never reach
 * the database. The path names the request and whom it is about, so the link, the request and their
 * record are read in one call; a path naming anything but what its link was minted for is unknown. An
 * answered request's links say so (a second click keeps its page, even after the answer changed the
 * address); an unanswered one stops acting once its purpose is gone: the participant it is about was
 * withdrawn, or it was emailed to an address the record no longer holds for the ask (whoever reads the
 * old mailbox cannot answer).
 */
export async function followLink(path: string, { store, clock }: Dependencies): Promise<LinkState> {
  const read = LinkPath.safeParse(path);
  if (!read.success) return { state: 'unknown' };
  const { secret, ids } = read.data;
  const { link, request, about } = await store.linkWithRequest(hashLinkSecret(secret), ids);
  if (!link || !request || (ids && !namesItsLink(ids, link))) return { state: 'unknown' };
  const asked: Asked = about ? { ...request, about } : request;
  if (request.status === 'answered') return { state: 'answered', request: asked };
  if (about?.withdrawal) return { state: 'withdrawn', request: asked };
  const address = about && currentAddress(request.kind, about);
  if (address && link.sentTo !== recipientDigest(link.linkHash, address))
    return { state: 'replaced', request: asked };
  return { state: isExpired(request, clock.now()) ? 'expired' : 'open', request: asked };
}

export type FormRegistry = Record<RequestKind, RequestForm>;

/** The page for a link that cannot take an answer, saying why. */
export function closedLinkPage(
  link: Exclude<LinkState, { state: 'open' }>,
  forms: FormRegistry,
  deps: Dependencies,
): Promise<APIGatewayProxyResult> {
  if (link.state === 'unknown') return Promise.resolve(unknownLinkPage());
  if (link.state === 'withdrawn') return Promise.resolve(withdrawnLinkPage());
  if (link.state === 'replaced') return Promise.resolve(replacedLinkPage());
  const form = forms[link.request.kind];
  return link.state === 'answered'
    ? form.alreadyAnswered(link.request, deps)
    : form.expired(link.request, deps);
}

/** The idempotency key of a POST: the same body to the same link (by its path) is the same answer. */
export function postIdempotencyKey(path: string, values: FormValues): string {
  return createHash('sha256').update(hashLinkSecret(path)).update(JSON.stringify(values)).digest('hex');
}
