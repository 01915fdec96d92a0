import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { registerLambdaContext } from './composition.js';
import type { Dependencies } from './dependencies.js';
import { aboutParticipant, logger, metrics, observed } from './observability.js';

/**
 * A workflow step: a plain function of (validated input, dependencies), plus the middy adapter
 * that Step Functions invokes. The same definition runs in Lambda and in the local runtime.
 */
export interface TaskDefinition<Schema extends z.ZodType, Output> {
  /** As in functions/catalog.ts; also the name of the step's success metric. */
  name: string;
  input: Schema;
  run(input: z.output<Schema>, deps: Dependencies): Promise<Output>;
}

export function defineTask<Schema extends z.ZodType, Output>(definition: TaskDefinition<Schema, Output>) {
  return {
    ...definition,
    /**
     * The Lambda entry point, on the dependencies its entry composes (`composedFor`), or the local
     * runtime's and the tests'.
     */
    handler(dependencies: () => Dependencies) {
      return middy()
        .use(observed())
        .use(parser({ schema: definition.input }))
        .handler(async (event, context: Context) => {
          aboutParticipant(event as { participantId?: string; executionName?: string });
          const deps = dependencies();
          registerLambdaContext(deps, context);
          const output = await definition.run(event as z.output<Schema>, deps);
          metrics.addMetric(`${definition.name}Completed`, MetricUnit.Count, 1);
          // One line per step, keyed by the participant: how an admin follows them through the logs.
          logger.info(`${definition.name} completed`);
          return output;
        });
    },
  };
}
