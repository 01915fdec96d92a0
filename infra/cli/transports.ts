import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { type InputIssue, inputIssues } from '../../functions/admin/command.js';

/** What an admin command came back with: its result, or why not. */
export type AdminOutcome =
  | { ok: true; result: unknown }
  | { ok: false; error: string; message: string; issues?: InputIssue[] };

/** Where commands go: the local system over HTTP, or the Admin function on AWS. */
export interface AdminTransport {
  /** Said once, so the admin knows which system they are changing. */
  target: string;
  /** The local system's address; absent on AWS (the clock and the invariants check are local only). */
  localUrl?: string;
  send(command: object): Promise<AdminOutcome>;
}

/** The CLI's exit codes, as `--help` and the README list them. */
export const EXIT = {
  ok: 0,
  /** The system failed (not the admin's input): try again, or look at its logs. */
  internal: 1,
  /** Wrong input: each wrong field is named, with why. */
  invalidInput: 2,
  /** The data says no (no such cohort, already withdrawn …): nothing was changed. */
  refused: 3,
  /** The system could not be reached (local system not running, no AWS credentials or function). */
  unreachable: 4,
} as const;

export const exitCodeFor = (outcome: AdminOutcome): number =>
  outcome.ok
    ? EXIT.ok
    : outcome.error === 'AdminInputInvalid'
      ? EXIT.invalidInput
      : outcome.error === 'AdminCommandRejected'
        ? EXIT.refused
        : outcome.error === 'SystemUnreachable'
          ? EXIT.unreachable
          : EXIT.internal;

export const unreachable = (message: string): AdminOutcome => ({
  ok: false,
  error: 'SystemUnreachable',
  message,
});

/** The local system (`npm start`): `POST /admin/commands`, which answers as the Admin function does. */
export function localTransport(baseUrl: string): AdminTransport {
  return {
    target: `the local system at ${baseUrl}`,
    localUrl: baseUrl,
    async send(command) {
      let response: Response;
      try {
        response = await fetch(new URL('/admin/commands', baseUrl), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(command),
        });
      } catch {
        return unreachable(`The local system is not running at ${baseUrl}: start it with \`npm start\`.`);
      }
      const body = (await response.json()) as Record<string, unknown>;
      if (response.ok) return { ok: true, result: body };
      return {
        ok: false,
        error: String(body.error ?? 'InternalError'),
        message: String(body.message ?? ''),
        ...(Array.isArray(body.issues) && { issues: body.issues as InputIssue[] }),
      };
    },
  };
}

/** Errors that mean the admin's credentials, profile or function name do not reach the Admin function. */
const CANNOT_INVOKE = new Set([
  'CredentialsProviderError',
  'ResourceNotFoundException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'ExpiredTokenException',
  'InvalidSignatureException',
]);

/**
 * The Admin function on AWS, invoked with the admin's own credentials (their profile or environment):
 * no public endpoint. Its error comes back as Lambda reports it, `errorType` and `errorMessage`.
 */
export function lambdaTransport(lambda: LambdaClient, functionName: string): AdminTransport {
  return {
    target: `the Admin function ${functionName}`,
    async send(command) {
      let invoked: InvokeCommandOutput;
      try {
        invoked = await lambda.send(
          new InvokeCommand({
            FunctionName: functionName,
            Payload: new TextEncoder().encode(JSON.stringify(command)),
          }),
        );
      } catch (error) {
        const { name, message } = error as Error;
        // Throttling and the like come back as themselves, for a caller that retries.
        return CANNOT_INVOKE.has(name)
          ? unreachable(`Cannot invoke ${functionName}: ${message}`)
          : { ok: false, error: name, message };
      }
      const payload = invoked.Payload?.length ? JSON.parse(new TextDecoder().decode(invoked.Payload)) : null;
      if (!invoked.FunctionError) return { ok: true, result: payload };
      const error = String(payload?.errorType ?? 'InternalError');
      const message = String(payload?.errorMessage ?? invoked.FunctionError);
      return {
        ok: false,
        error,
        message,
        ...(error === 'AdminInputInvalid' && { issues: inputIssues(message) }),
      };
    },
  };
}
