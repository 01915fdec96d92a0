#!/usr/bin/env tsx
/**
 * `npx pd-admin <command>`: the programme admin's commands, against the local system (`npm start`) or
 * the Admin function on AWS with the admin's own credentials. `npx pd-admin --help` lists them.
 */
import { createInterface } from 'node:readline/promises';
import { realLambdaClient } from './connect.js';
import { runCli } from './program.js';

const confirm = async (question: string) => {
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await readline.question(`${question} [y/N] `);
  readline.close();
  return /^y(es)?$/i.test(answer.trim());
};

process.exitCode = await runCli(process.argv, {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  lambdaClient: realLambdaClient,
  interactive: Boolean(process.stderr.isTTY),
  ...(process.stdin.isTTY && { confirm }),
});
