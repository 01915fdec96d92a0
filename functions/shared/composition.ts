import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { type Clock, systemClock } from '../domain/time.js';
import type { Dependencies } from './dependencies.js';
import { tracer } from './observability.js';

/** Configuration comes from the environment (CDK sets it; the local runtime sets the same names). */
export const Settings = z.object({
  TABLE_NAME: z.string().min(1),
  IDEMPOTENCY_TABLE_NAME: z.string().min(1),
  EMAIL_FROM: z.string().min(3),
  ADMIN_EMAIL: z.email(),
  FORMS_BASE_URL: z.url(),
  SES_CONFIGURATION_SET: z.string().optional(),
  /** The lifecycle: the admin function starts its executions, the reconciler looks them up. */
  STATE_MACHINE_ARN: z.string().default(''),
  /** The accredited years' state machine: the admin starts it again for a reinstated lead. */
  ACCREDITED_YEARS_STATE_MACHINE_ARN: z.string().default(''),
  /** Cohorts' invitations from the waiting list: the admin starts them. */
  WAITING_LIST_STATE_MACHINE_ARN: z.string().default(''),
  /** The forms (attachments), AdvanceProgramme and the public pages (issued certificates). */
  UPLOADS_BUCKET: z.string().min(1).optional(),
  /** How long after the last activity on a finished participant's record the retention job anonymises it. */
  RETENTION_YEARS: z.coerce.number().int().positive().default(6),
  /** The admin's alerts topic: only the reconciler is told it. */
  ALERT_TOPIC_ARN: z.string().min(1).optional(),
  /** The milestone bus (events/milestones.ts): only PublishMilestones is told it. */
  MILESTONE_BUS_NAME: z.string().min(1).optional(),
});
export type Settings = z.infer<typeof Settings>;

type Service = 'dynamodb' | 'ses' | 'sfn' | 's3' | 'sns' | 'events';

/** Where the AWS SDK clients point: nothing in Lambda; the local runtime's servers and dummy keys locally. */
export interface AwsClientOverrides {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  endpoints: Record<Service, string>;
  /** Checks each client's calls against the calling function's grants, as IAM would (infra/local/iam.ts). */
  guard?: (client: object) => void;
}

/**
 * The SDK's logger middleware runs every call's input and output through the schema's sensitive-data
 * filter for the client's logger, even for the default one, which logs nothing: no client here is given a
 * logger (Powertools logs what matters, by id), so the filtering is dropped rather than done for no reader,
 * in Lambda and locally alike.
 */
export const withoutSdkLogging = (client: object) =>
  (client as { middlewareStack: { remove(name: string): boolean } }).middlewareStack.remove(
    'loggerMiddleware',
  );

/** What a part is built from: the settings, and one SDK client per service shared by the parts. */
export interface Wiring {
  settings: Settings;
  /** True against the local runtime's servers (S3 then takes buckets in the path). */
  local: boolean;
  /**
   * The service's client, created on first use with `create` and shared after. X-Ray traces it by
   * operation and table (not payload) when `traced`.
   */
  client<C extends object>(service: Service, create: (config: object) => C, traced?: boolean): C;
  /** A part this part builds on (the mailer on the idempotency records), built once. */
  use<P extends Partial<Dependencies>>(part: Part<P>): P;
}

/** The resources a function may be composed with: one each, as functions/permissions.ts grants them. */
export type PartName =
  | 'store'
  | 'idempotency'
  | 'mailer'
  | 'workflow'
  | 'uploads'
  | 'certificates'
  | 'alerts'
  | 'milestones';

/** One resource a handler touches, built from the wiring (functions/shared/parts/). */
export interface Part<P extends Partial<Dependencies> = Partial<Dependencies>> {
  name: PartName;
  build(wiring: Wiring): P;
}

/** Parts every handler's type promises: a handler composed without one fails saying so, not with a TypeError. */
const promised = new Set<PropertyKey>(['store', 'mailer', 'idempotencyStore', 'formReplays', 'workflow']);

/** A handler's dependencies made of the given parts only. */
export function compose(
  parts: Part[],
  env: NodeJS.ProcessEnv,
  {
    clock = systemClock,
    aws,
    name = 'This function',
  }: { clock?: Clock; aws?: AwsClientOverrides; name?: string } = {},
): Dependencies {
  const settings = Settings.parse(env);
  const clients = new Map<Service, object>();
  const built = new Map<PartName, Partial<Dependencies>>();
  const wiring: Wiring = {
    settings,
    local: Boolean(aws),
    client(service, create, traced = false) {
      let client = clients.get(service) as ReturnType<typeof create> | undefined;
      if (!client) {
        client = create(
          aws ? { region: aws.region, credentials: aws.credentials, endpoint: aws.endpoints[service] } : {},
        );
        withoutSdkLogging(client);
        aws?.guard?.(client);
        if (traced) client = tracer.captureAWSv3Client(client);
        clients.set(service, client);
      }
      return client;
    },
    use<P extends Partial<Dependencies>>(part: Part<P>) {
      if (!built.has(part.name)) built.set(part.name, part.build(wiring));
      return built.get(part.name) as P;
    },
  };
  const dependencies = Object.assign({ clock, settings }, ...parts.map((part) => wiring.use(part)));
  return new Proxy(dependencies, {
    get(target, key) {
      if (key in target || !promised.has(key)) return target[key];
      throw new Error(`${name} is not composed with ${String(key)}: name its part in its handler's entry`);
    },
  });
}

/** Which parts each Lambda entry composed: test/infra/composition.test.ts checks them against the grants. */
export const compositions = new Map<string, PartName[]>();

/**
 * A Lambda entry's dependencies: only the parts it names (so esbuild bundles only those), built from the
 * environment once per container, on first use rather than at import.
 */
export function composedFor(name: string, ...parts: Part[]): () => Dependencies {
  compositions.set(
    name,
    parts.map((part) => part.name),
  );
  let cached: Dependencies | undefined;
  return () => {
    cached ??= compose(parts, process.env, { name });
    return cached;
  };
}

/** Lets the idempotency records of what this invocation sends or publishes expire with it. */
export function registerLambdaContext(deps: Dependencies, context: Context) {
  if ('mailer' in deps) deps.mailer.registerLambdaContext(context);
  deps.alerts?.registerLambdaContext(context);
}
