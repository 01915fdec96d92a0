import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Everything the handlers could ever log, from the moment the logger is made (at import).
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
});

import { z } from 'zod';
import { logger, tracer } from '../../functions/shared/observability.js';
import { defineTask } from '../../functions/shared/task-handler.js';
import { lambdaContext } from '../../infra/local/lambda-context.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { accreditedLead } from '../support/accredited-years.js';
import { mailbox, startTestSystem, testCohort } from '../support/local-system.js';
import { feedbackGiven, frameworkAnswers, interimAnswers, lead } from '../support/programme.js';

/**
 * Logs and traces hold ids, never people: a whole programme, from enrolment to the certificate's verify
 * page, runs through the real handlers while every line Powertools logs (at DEBUG, the most it would ever
 * log) and everything the tracer records is kept, and none of it may hold a name, an email address, a
 * free-text answer, a link secret or a task token.
 *
 * X-Ray cannot be reached locally, so the tracer is switched on with a stand-in for the X-Ray segment
 * that keeps what the Powertools middleware and the handlers put on it (annotations, metadata, errors):
 * whatever the handlers' configuration would send to X-Ray, it receives.
 */

interface Traced {
  on: string;
  what: 'annotation' | 'metadata' | 'error';
  key: string;
  value: unknown;
}
const traced: Traced[] = [];
const logged: string[] = [];

/** Just enough of an X-Ray (sub)segment for Powertools' tracer: it keeps what it is given. */
class RecordingSegment {
  constructor(readonly name: string) {}
  addNewSubsegment(name: string) {
    return new RecordingSegment(name);
  }
  addAnnotation(key: string, value: unknown) {
    traced.push({ on: this.name, what: 'annotation', key, value });
  }
  addMetadata(key: string, value: unknown, namespace: string) {
    traced.push({ on: this.name, what: 'metadata', key: `${namespace}.${key}`, value });
  }
  addError(error: Error) {
    traced.push({ on: this.name, what: 'error', key: error.name, value: `${error.message}\n${error.stack}` });
  }
  addErrorFlag() {}
  addAttribute() {}
  close() {}
}

function recordLogsAndTraces() {
  let current: unknown = new RecordingSegment('facade');
  vi.spyOn(tracer, 'isTracingEnabled').mockReturnValue(true);
  vi.spyOn(tracer.provider, 'getSegment').mockImplementation(() => current as never);
  vi.spyOn(tracer.provider, 'setSegment').mockImplementation((segment) => {
    current = segment;
  });
  for (const stream of [process.stdout, process.stderr])
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    });
}

/** Each secret as it could appear: as typed, one line of it, or JSON-escaped inside a log line. */
const forms = (secret: string) => [
  secret,
  JSON.stringify(secret).slice(1, -1),
  ...secret.split('\n').filter((line) => line.length >= 8),
];

/** What is logged or traced that holds one of `secrets`, saying which and where. */
function leaks(secrets: string[]): string[] {
  const everything = [
    ...logged.map((line) => ({ where: 'log', text: line })),
    ...traced.map((t) => ({ where: `trace ${t.what} ${t.key} on ${t.on}`, text: JSON.stringify(t.value) })),
  ];
  return secrets.flatMap((secret) =>
    everything
      .filter(({ text }) => forms(secret).some((form) => text.includes(form)))
      .map(({ where }) => `${where} holds "${secret.slice(0, 40)}"`),
  );
}

let system: LocalSystem;
const participantEmail = 'asha.private@hillside.test';
/** The person's data and the secrets of the run, gathered as it goes. */
const personal = [
  'Asha Patel',
  'Sam Okafor',
  testCohort.cohortLead.name,
  participantEmail,
  `head-of-${participantEmail}`,
  lead,
  ...Object.values(interimAnswers),
  ...Object.values(frameworkAnswers),
  feedbackGiven,
];
const taskTokens = new Set<string>();
const linkSecrets = new Set<string>();
const secrets = () => [...personal, ...taskTokens, ...linkSecrets];

beforeAll(async () => {
  system = await startTestSystem();
  // Task tokens, as the waits park them on the record and on requests.
  const { participants, requests } = system.dependencies.store;
  const saveWaitToken = participants.saveWaitToken.bind(participants);
  vi.spyOn(participants, 'saveWaitToken').mockImplementation((id, token, revision, waiting) => {
    taskTokens.add(token);
    return saveWaitToken(id, token, revision, waiting);
  });
  const saveTaskToken = requests.saveTaskToken.bind(requests);
  vi.spyOn(requests, 'saveTaskToken').mockImplementation((id, token) => {
    taskTokens.add(token);
    return saveTaskToken(id, token);
  });
  recordLogsAndTraces();
  const accredited = await accreditedLead(system, 'privacy-cohort', participantEmail);
  const code = (await system.dependencies.store.participants.get(accredited.participantId))?.accreditation
    ?.verificationCode;
  expect((await fetch(`${system.urls.app}/certificates/${code}/verify`)).status).toBe(200);
  // Every link secret emailed during the run.
  for (const email of await mailbox(system).all())
    for (const [, secret] of (email.body.text ?? '').matchAll(/\/r\/([A-Za-z0-9_-]+)/g))
      linkSecrets.add(secret ?? '');
}, 120_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await system.stop();
});

describe('logs and traces of a whole programme', () => {
  it('were written with the participant id on them, and the scan had task tokens and link secrets to look for', () => {
    expect(logged.filter((line) => line.includes('"participantId"')).length).toBeGreaterThan(10);
    const annotated = traced.filter((t) => t.what === 'annotation' && t.key === 'participantId');
    expect(annotated.length).toBeGreaterThan(10);
    expect(taskTokens.size).toBeGreaterThan(5);
    expect(linkSecrets.size).toBeGreaterThan(5);
  });

  it('hold no name, email address, answer, link secret or task token', () => {
    expect(leaks(secrets())).toEqual([]);
  });

  it('hold no response of any handler', () => {
    expect(traced.filter((t) => t.what === 'metadata').map((t) => t.key)).toEqual([]);
  });

  it('the scan finds a leak: a log line or trace metadata with a name, an answer or a token in it', () => {
    const before = { logged: logged.length, traced: traced.length };
    const [token = 'no token'] = taskTokens;
    logger.info('Deliberate leak', { who: 'Asha Patel', answer: interimAnswers.plan });
    tracer.putMetadata('deliberate', { token });
    const found = leaks(secrets());
    logged.splice(before.logged);
    traced.splice(before.traced);
    expect(found).toEqual(
      expect.arrayContaining([
        'log holds "Asha Patel"',
        `log holds "${interimAnswers.plan.slice(0, 40)}"`,
        // On whichever segment is current: invocations overlap.
        expect.stringMatching(
          new RegExp(`^trace metadata pd-accreditation\\.deliberate on .* holds "${token.slice(0, 40)}"$`),
        ),
      ]),
    );
  });
});

describe('a step that fails with an address in its error', () => {
  const refused = `Email address is not verified. The following identities failed the check: ${participantEmail}`;
  const failing = defineTask({
    name: 'Failing',
    input: z.object({ participantId: z.string() }),
    run: async () => {
      throw Object.assign(new Error(refused), { name: 'MessageRejected' });
    },
  });

  it('fails with the same error name but no address, in what it throws, logs and traces', async () => {
    const before = traced.length;
    const thrown = await failing
      .handler(() => system.dependencies)({ participantId: 'p-1' }, lambdaContext('Failing'))
      .catch((error: Error) => error);
    expect(thrown).toMatchObject({ name: 'MessageRejected' });
    expect(thrown.message).toBe(
      'Email address is not verified. The following identities failed the check: <email address>',
    );
    expect(thrown.stack).not.toContain(participantEmail);
    expect(traced.slice(before).filter((t) => t.what === 'error')).toHaveLength(1);
    expect(leaks([participantEmail])).toEqual([]);
  });
});
