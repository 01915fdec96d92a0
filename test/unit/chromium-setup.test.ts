import { describe, expect, it } from 'vitest';
import { CHROMIUM, ChromiumUnavailable, ensureChromium, type Machine } from '../setup/chromium.js';

/** A machine whose Chromium is there or not, that records what the setup ran and said. */
function machine({
  present = false,
  isRoot = true,
  installs = true,
  failing,
}: {
  present?: boolean;
  isRoot?: boolean;
  installs?: boolean;
  failing?: string;
} = {}) {
  let installed = present;
  const ran: string[] = [];
  const said: string[] = [];
  const fake: Machine = {
    exists: (path) => path === CHROMIUM && installed,
    isRoot,
    run(command, args) {
      const line = [command, ...args].join(' ');
      ran.push(line);
      if (failing && line.startsWith(failing))
        throw Object.assign(new Error(`Command failed: ${line}`), {
          stderr: 'Reading package lists...\nE: Unable to locate package chromium\n',
        });
      if (line === 'apt-get install -y chromium') installed = installs;
    },
    say: (line) => said.push(line),
  };
  return { fake, ran, said };
}

/** The error the setup stops with, which must be one line. */
function refusal(fake: Machine): string {
  try {
    ensureChromium(fake);
  } catch (error) {
    expect(error).toBeInstanceOf(ChromiumUnavailable);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('ensureChromium did not refuse');
}

describe("the browser tests' Chromium setup", () => {
  it('does nothing when Chromium is at /usr/bin/chromium', () => {
    const { fake, ran, said } = machine({ present: true, isRoot: false });
    expect(ensureChromium(fake)).toBe('present');
    expect(ran).toEqual([]);
    expect(said).toEqual([]);
  });

  it('as root, installs it with apt-get (update first), saying so in one line', () => {
    const { fake, ran, said } = machine();
    expect(ensureChromium(fake)).toBe('installed');
    expect(ran).toEqual(['apt-get update', 'apt-get install -y chromium']);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/Chromium is missing at \/usr\/bin\/chromium: installing it/);
  });

  it('not as root, installs nothing and stops with the command to run', () => {
    const { fake, ran } = machine({ isRoot: false });
    expect(refusal(fake)).toContain('`sudo apt-get update && sudo apt-get install -y chromium`');
    expect(ran).toEqual([]);
  });

  it.each(['apt-get update', 'apt-get install'])(
    'stops at once, with what apt-get said and the command, when `%s` fails',
    (failing) => {
      const { fake, ran } = machine({ failing });
      const message = refusal(fake);
      expect(message).toContain('E: Unable to locate package chromium');
      expect(message).toContain('`apt-get update && apt-get install -y chromium`');
      expect(ran.at(-1)).toMatch(new RegExp(`^${failing}`));
    },
  );

  it('stops when the package installed but left nothing at /usr/bin/chromium', () => {
    const { fake } = machine({ installs: false });
    expect(refusal(fake)).toContain(`nothing at ${CHROMIUM}`);
  });
});
