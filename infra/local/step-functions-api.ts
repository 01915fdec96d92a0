import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalExecution, LocalStepFunctions } from './step-functions.js';

const epochSeconds = (d?: Date) => (d ? d.getTime() / 1000 : undefined);

function describe(e: LocalExecution) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: epochSeconds(e.startDate),
    stopDate: epochSeconds(e.stopDate),
    input: e.input,
    output: e.output,
    error: e.error,
    cause: e.cause,
  };
}

/**
 * The Step Functions API (AWS JSON 1.0 protocol) for the calls our handlers make, so they use the
 * real `@aws-sdk/client-sfn` against the local runtime exactly as they do against AWS.
 */
export function stepFunctionsApi(sfn: LocalStepFunctions) {
  const actions: Record<string, (body: Record<string, string>) => unknown> = {
    StartExecution: (b) => {
      const e = sfn.startExecution(b.stateMachineArn ?? '', b.name, b.input);
      return { executionArn: e.executionArn, startDate: epochSeconds(e.startDate) };
    },
    DescribeExecution: (b) => describe(sfn.describeExecution(b.executionArn ?? '')),
    ListExecutions: () => ({ executions: sfn.listExecutions().map(describe) }),
    StopExecution: (b) => {
      sfn.stopExecution(b.executionArn ?? '');
      return { stopDate: epochSeconds(new Date()) };
    },
    SendTaskSuccess: (b) => {
      sfn.sendTaskSuccess(b.taskToken ?? '', b.output ?? '{}');
      return {};
    },
    SendTaskFailure: (b) => {
      sfn.sendTaskFailure(b.taskToken ?? '', b.error, b.cause);
      return {};
    },
  };

  return async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const action = String(request.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(body));
    };
    const run = actions[action];
    if (!run)
      return reply(400, {
        __type: 'UnknownOperationException',
        message: `Not implemented locally: ${action}`,
      });
    try {
      reply(200, run(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')));
    } catch (error) {
      const e = error as Error;
      reply(400, { __type: e.name, message: e.message });
    }
  };
}
