import { LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { LOCAL_PORTS } from '../local/ports.js';
import { type AdminTransport, lambdaTransport, localTransport } from './transports.js';

/** The root options that say where commands go. */
export interface TargetOptions {
  local?: boolean;
  url?: string;
  aws?: boolean;
  profile?: string;
  region?: string;
  functionName?: string;
}

/** How the CLI reaches AWS: a Lambda client for the admin's profile and region (a fake one in tests). */
export type LambdaClientFactory = (config: LambdaClientConfig) => Pick<LambdaClient, 'send'>;
export const realLambdaClient: LambdaClientFactory = (config) => new LambdaClient(config);

export const DEFAULT_LOCAL_URL = `http://localhost:${LOCAL_PORTS.http}`;

/** Whether `npm start` answers at `url` (its clock is the local system's own). */
async function localSystemAt(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/admin/clock', url), { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** Where the Admin function is: `--function-name`, or `PD_ADMIN_FUNCTION_NAME` (the stack's `AdminFunctionName` output). */
export class NoAdminFunction extends Error {
  override name = 'SystemUnreachable';
  constructor() {
    super(
      'Which Admin function? Give --function-name (the stack output AdminFunctionName: `aws cloudformation describe-stacks`) or set PD_ADMIN_FUNCTION_NAME; or --local for the local system.',
    );
  }
}

/**
 * The system the admin means: AWS when they name a profile, a function or `--aws`; the local system
 * with `--local` or `--url`; otherwise the local system if `npm start` is running here, else AWS.
 */
export async function connect(
  options: TargetOptions,
  env: NodeJS.ProcessEnv,
  lambdaClient: LambdaClientFactory,
): Promise<AdminTransport> {
  const url = options.url ?? DEFAULT_LOCAL_URL;
  const wantsAws = options.aws || options.profile || options.functionName;
  if (!wantsAws && (options.local || options.url || (await localSystemAt(url)))) return localTransport(url);
  const functionName = options.functionName ?? env.PD_ADMIN_FUNCTION_NAME;
  if (!functionName) throw new NoAdminFunction();
  const client = lambdaClient({
    ...(options.region && { region: options.region }),
    ...(options.profile && { profile: options.profile }),
  });
  return lambdaTransport(client as LambdaClient, functionName);
}
