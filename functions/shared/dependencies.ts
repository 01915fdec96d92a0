import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { CertificateStore } from '../accreditation/certificate-store.js';
import type { AccreditationStore } from '../data/store.js';
import type { Clock } from '../domain/time.js';
import type { Mailer } from '../email/mailer.js';
import type { AlertTopic } from './alert-topic.js';
import { type AwsClientOverrides, compose, type Settings } from './composition.js';
import type { MilestoneBus } from './milestone-bus.js';
import { alerts } from './parts/alerts.js';
import { certificates } from './parts/certificates.js';
import { idempotency } from './parts/idempotency.js';
import { mailer } from './parts/mailer.js';
import { milestones } from './parts/milestones.js';
import { store } from './parts/store.js';
import { uploads } from './parts/uploads.js';
import { workflow } from './parts/workflow.js';
import type { Uploads } from './uploads.js';
import type { Workflow } from './workflow.js';

export type { AwsClientOverrides, Settings } from './composition.js';

/** Everything a handler touches outside its own code, passed in so the domain runs without AWS. */
export interface Dependencies {
  store: AccreditationStore;
  mailer: Mailer;
  /** Powertools idempotency records: what makes a retried send or a double-posted form harmless. */
  idempotencyStore: BasePersistenceLayer;
  /**
   * The forms' replay pages, in the same table under a key prefix of their own (`forms/replays.ts`), on a
   * layer of their own: Powertools keeps one key prefix per layer.
   */
  formReplays: BasePersistenceLayer;
  workflow: Workflow;
  clock: Clock;
  settings: Settings;
  /** Files attached to submissions: only the Forms function may use them (its role is granted uploads/). */
  uploads?: Uploads;
  /**
   * Issued certificates, in the same bucket: AdvanceProgramme keeps each one at accreditation and the
   * Public function serves it (their roles are granted certificates/).
   */
  certificates?: CertificateStore;
  /** The admin's SNS topic: only the Reconcile function publishes to it (its role is granted sns:Publish). */
  alerts?: AlertTopic;
  /** The milestone bus: only the PublishMilestones function puts events on it (its role is granted PutEvents). */
  milestones?: MilestoneBus;
}

/**
 * Every part, for the local runtime and the tests, which run every handler in one process (the local
 * runtime's IAM guard still holds each call to the calling function's grants). A Lambda entry composes
 * only its own parts instead (`composedFor` in ./composition.ts), so its bundle carries nothing else.
 */
export function dependenciesFrom(
  env: NodeJS.ProcessEnv,
  options: { clock?: Clock; aws?: AwsClientOverrides } = {},
): Dependencies {
  return compose(
    [store, idempotency, mailer, workflow, uploads, certificates, alerts, milestones],
    env,
    options,
  );
}
