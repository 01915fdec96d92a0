import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { FunctionName } from '../../functions/permissions.js';
import { asFunction } from './iam.js';

/** The context Lambda passes to a handler, so Powertools and middy behave locally as they do in AWS. */
export function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-2:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Invokes a handler as Lambda would: once a slot is free, as its function (under its role's grants), with
 * a fresh context made as it starts, so its timeout counts from then.
 */
export const invokeLocally = <Event, Result>(
  name: FunctionName,
  handler: (event: Event, context: Context) => Promise<Result>,
  event: Event,
): Promise<Result> => asFunction(name, () => handler(event, lambdaContext(name)));
