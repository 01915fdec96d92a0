/**
 * The browser tests' global setup (vitest.config.ts): they drive Debian's Chromium at /usr/bin/chromium, so
 * `npm test` on a fresh machine installs it first when it can (as root), and otherwise stops at once with
 * the one command to run. Nothing downloads a browser of its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
const INSTALL = 'apt-get update && apt-get install -y chromium';

/** What the decision touches on the machine, passed in so it can be tested without uninstalling anything. */
export interface Machine {
  exists(path: string): boolean;
  isRoot: boolean;
  /** Runs a command to completion; throws if it fails. */
  run(command: string, args: string[]): void;
  say(line: string): void;
}

/** Chromium is missing and this setup cannot install it: the message is the one line to show. */
export class ChromiumUnavailable extends Error {
  override name = 'ChromiumUnavailable';
}

export function ensureChromium(machine: Machine): 'present' | 'installed' {
  if (machine.exists(CHROMIUM)) return 'present';
  if (!machine.isRoot)
    throw new ChromiumUnavailable(
      `The browser tests need Chromium at ${CHROMIUM}: run \`sudo apt-get update && sudo apt-get install -y chromium\`, then npm test again.`,
    );
  machine.say(`Chromium is missing at ${CHROMIUM}: installing it for the browser tests (${INSTALL}).`);
  try {
    machine.run('apt-get', ['update']);
    machine.run('apt-get', ['install', '-y', 'chromium']);
  } catch (error) {
    throw new ChromiumUnavailable(
      `Installing Chromium failed (${lastLine(error)}): fix that and run \`${INSTALL}\`, then npm test again.`,
    );
  }
  if (!machine.exists(CHROMIUM))
    throw new ChromiumUnavailable(
      `apt-get installed chromium but there is nothing at ${CHROMIUM}: install Debian's chromium package, then npm test again.`,
    );
  return 'installed';
}

/** The last line a failed command printed (apt-get says what went wrong last), or its message. */
function lastLine(error: unknown): string {
  const e = error as { stderr?: Buffer | string; message?: string };
  const text = String(e.stderr ?? '').trim() || String(e.message ?? error);
  return text.split('\n').at(-1)?.trim() ?? '';
}

const thisMachine: Machine = {
  exists: existsSync,
  isRoot: process.getuid?.() === 0,
  run: (command, args) =>
    void execFileSync(command, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }),
  say: (line) => console.log(line),
};

export default function setup() {
  try {
    ensureChromium(thisMachine);
  } catch (error) {
    if (!(error instanceof ChromiumUnavailable)) throw error;
    // One line, not a stack trace: the reader needs the command, not where the check lives.
    console.error(error.message);
    process.exit(1);
  }
}
