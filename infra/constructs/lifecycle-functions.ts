import { resolve } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Architecture, type IFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { entryPoints, workflowTasks } from '../../functions/catalog.js';
import type { FunctionName } from '../../functions/permissions.js';
import { functionBundling, sourceMapEnvironment } from './bundling.js';

const root = resolve(import.meta.dirname, '../..');
/** A function that constructs configure: told their resources in its environment. */
export type ConfigurableFunction = IFunction & { addEnvironment(key: string, value: string): unknown };

/** One NodejsFunction per entry in functions/catalog.ts: the same handlers the local runtime runs. */
export class LifecycleFunctions extends Construct {
  readonly byName: Record<FunctionName, NodejsFunction>;

  constructor(
    scope: Construct,
    id: string,
    props: {
      environment: Record<string, string>;
      /** Functions that may need longer than the 30 seconds a step or a page gets. */
      timeouts?: Partial<Record<FunctionName, Duration>>;
      /** Source maps in the bundles, and Node told to use them (off: they slow every cold start). */
      sourceMaps?: boolean;
    },
  ) {
    super(scope, id);
    const entries = { ...workflowTasks, ...entryPoints };
    const sourceMaps = props.sourceMaps ?? false;
    this.byName = Object.fromEntries(
      (Object.keys(entries) as FunctionName[]).map((name) => [
        name,
        new NodejsFunction(this, name, {
          entry: resolve(root, entries[name]),
          handler: 'handler',
          runtime: Runtime.NODEJS_24_X,
          architecture: Architecture.ARM_64,
          memorySize: 512,
          timeout: props.timeouts?.[name] ?? Duration.seconds(30),
          tracing: Tracing.ACTIVE,
          logGroup: new LogGroup(this, `${name}Logs`, { retention: RetentionDays.SIX_MONTHS }),
          environment: {
            ...props.environment,
            ...sourceMapEnvironment(sourceMaps),
            POWERTOOLS_SERVICE_NAME: name,
          },
          bundling: functionBundling({ sourceMaps }),
        }),
      ]),
    ) as Record<FunctionName, NodejsFunction>;
  }
}
