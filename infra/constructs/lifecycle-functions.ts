import { resolve } from 'node:path';
import { AssetHashType, DockerImage, Duration } from 'aws-cdk-lib';
import {
  Architecture,
  Code,
  type IFunction,
  Function as LambdaFunction,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { entryPoints, workflowTasks } from '../../functions/catalog.js';
import type { FunctionName } from '../../functions/permissions.js';
import { FunctionBundle, sourceMapEnvironment } from './bundling.js';

const root = resolve(import.meta.dirname, '../..');
/** A function that constructs configure: told their resources in its environment. */
export type ConfigurableFunction = IFunction & { addEnvironment(key: string, value: string): unknown };

/**
 * One function per entry in functions/catalog.ts: the same handlers the local runtime runs, each bundled
 * by esbuild in the synth's process (infra/constructs/bundling.ts), split so lazy imports stay out of INIT.
 */
export class LifecycleFunctions extends Construct {
  readonly byName: Record<FunctionName, LambdaFunction>;

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
        new LambdaFunction(this, name, {
          code: Code.fromAsset(root, {
            // Hashed by what was built, not by the whole project directory.
            assetHashType: AssetHashType.OUTPUT,
            bundling: {
              local: new FunctionBundle(resolve(root, entries[name]), { sourceMaps }),
              // Never pulled: the local bundling above always builds.
              image: DockerImage.fromRegistry('dummy'),
            },
          }),
          handler: 'index.handler',
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
        }),
      ]),
    ) as Record<FunctionName, LambdaFunction>;
  }
}
