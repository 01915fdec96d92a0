import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWorkflow } from '../../workflows/definitions.js';
import {
  checkReadme,
  describeRule,
  END_MARKER,
  replaceBlock,
  START_MARKER,
  toMermaid,
  writeReadme,
} from '../../workflows/diagram.js';

const lifecycle = JSON.parse(readWorkflow('ParticipantLifecycle')) as {
  StartAt: string;
  States: Record<string, { Type: string }>;
};
const diagram = toMermaid(lifecycle);
const lines = diagram.split('\n').map((line) => line.trim());

describe('toMermaid on the participant lifecycle', () => {
  it('is a state diagram that starts at StartAt', () => {
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines[1]).toBe('[*] --> RequestCommitment');
  });

  it('draws the timeout of the wait as the way to the chase', () => {
    expect(lines).toContain('AwaitCommitment --> ChaseCommitment : States.Timeout');
    expect(lines).toContain('AwaitCommitment --> CheckCommitment');
    expect(lines).toContain('ChaseCommitment --> CheckCommitment');
  });

  it('labels each branch of the Choice with its condition, and the default as otherwise', () => {
    expect(lines).toContain('CheckCommitment --> ConfirmCommitment : decision = signed');
    expect(lines).toContain('CheckCommitment --> NotifyCommitmentDeclined : decision = declined');
    expect(lines).toContain('CheckCommitment --> NotifyCommitmentExpired : decision = expired');
    expect(lines).toContain('CheckCommitment --> AwaitCommitment : otherwise');
  });

  it('sends every task that catches failures to the admin notification', () => {
    const tasks = Object.entries(lifecycle.States)
      .filter(([name, state]) => state.Type === 'Task' && name !== 'NotifyAdminOfFailure')
      .map(([name]) => name);
    expect(tasks).toHaveLength(14);
    for (const task of tasks) expect(lines).toContain(`${task} --> NotifyAdminOfFailure : States.ALL`);
    expect(lines).toContain('NotifyAdminOfFailure --> LifecycleFailed : States.ALL');
  });

  it('shows every state of the ASL', () => {
    const shown = new Set(lines.slice(1).flatMap((line) => line.split(' : ')[0]?.split(' --> ') ?? []));
    for (const name of Object.keys(lifecycle.States)) expect(shown).toContain(name);
    shown.delete('[*]');
    expect(shown.size).toBe(Object.keys(lifecycle.States).length);
  });

  it('ends exactly the terminal states at [*]', () => {
    const ends = lines.filter((line) => line.endsWith('--> [*]')).map((line) => line.split(' --> ')[0]);
    expect(ends.sort()).toEqual(
      [
        'Accredited',
        'CommitmentDeclined',
        'CommitmentExpired',
        'DeferredToLaterCohort',
        'HandedOverToNextExecution',
        'LifecycleFailed',
        'NotAccredited',
        'ProgrammeCompleted',
        'Withdrawn',
      ].sort(),
    );
  });
});

describe('toMermaid on the accredited years', () => {
  const accreditedYears = JSON.parse(readWorkflow('AccreditedYears')) as typeof lifecycle;
  const yearLines = toMermaid(accreditedYears)
    .split('\n')
    .map((line) => line.trim());

  it('is reached from the lifecycle at accreditation, even when it was already started', () => {
    expect(lines).toContain('WhereNext --> StartAccreditedYears : next = accredited');
    expect(lines).toContain('StartAccreditedYears --> Accredited');
    expect(lines).toContain(
      'StartAccreditedYears --> Accredited : StepFunctions.ExecutionAlreadyExistsException',
    );
  });

  it('waits for what is open, and every wait and its timeout lead back to the next step', () => {
    for (const wait of ['AtReRegistration', 'AtTermlyFeedback', 'Accredited']) {
      expect(yearLines).toContain(
        `WhatIsOpen --> ${wait} : open = ${wait === 'AtReRegistration' ? 're-registration' : wait === 'AtTermlyFeedback' ? 'termly-feedback' : 'nothing'}`,
      );
      expect(yearLines).toContain(`${wait} --> NextAccreditedYearsStep`);
      expect(yearLines).toContain(`${wait} --> NextAccreditedYearsStep : States.Timeout`);
      expect(yearLines).toContain(`${wait} --> NotifyAdminOfFailure : States.ALL`);
    }
  });

  it('ends at a lapse, a withdrawal, a hand-over to the next execution, or a reported failure', () => {
    const ends = yearLines.filter((line) => line.endsWith('--> [*]')).map((line) => line.split(' --> ')[0]);
    expect(ends.sort()).toEqual(
      ['AccreditationLapsed', 'AccreditedYearsFailed', 'HandedOverToNextExecution', 'Withdrawn'].sort(),
    );
  });
});

describe('toMermaid on every kind of state', () => {
  const asl = {
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Next: 'Pause' },
      Pause: { Type: 'Wait', Seconds: 5, Next: 'Route' },
      Route: {
        Type: 'Choice',
        Choices: [
          {
            And: [
              { Variable: '$.count', NumericGreaterThanEquals: 3 },
              { Not: { Variable: '$.done', BooleanEquals: true } },
            ],
            Next: 'FanOut',
          },
          { Variable: '$.due', TimestampLessThanPath: '$.now', Next: 'EachItem' },
          { Variable: '$.reason', IsPresent: false, Next: 'Broken' },
        ],
        Default: 'Done',
      },
      FanOut: { Type: 'Parallel', Branches: [], End: true },
      EachItem: {
        Type: 'Map',
        ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Pass', End: true } } },
        Catch: [{ ErrorEquals: ['Custom.Error', 'States.TaskFailed'], Next: 'Broken' }],
        Next: 'Done',
      },
      Done: { Type: 'Succeed' },
      Broken: { Type: 'Fail', Error: 'Broken' },
    },
  };

  it('draws Pass, Wait, Choice, Parallel, Map, Succeed and Fail with their edges', () => {
    expect(toMermaid(asl).split('\n')).toEqual([
      'stateDiagram-v2',
      '  [*] --> Prepare',
      '  Prepare --> Pause',
      '  Pause --> Route',
      '  Route --> FanOut : count ≥ 3 and not (done = true)',
      '  Route --> EachItem : due < now',
      '  Route --> Broken : reason is not present',
      '  Route --> Done : otherwise',
      '  FanOut --> [*]',
      '  EachItem --> Done',
      '  EachItem --> Broken : Custom.Error, States.TaskFailed',
      '  Done --> [*]',
      '  Broken --> [*]',
    ]);
  });

  it('keeps state names that are not identifiers readable', () => {
    const text = toMermaid({ StartAt: 'Say hello', States: { 'Say hello': { Type: 'Pass', End: true } } });
    expect(text).toContain('state "Say hello" as Say_hello');
    expect(text).toContain('[*] --> Say_hello');
  });

  it('refuses transitions to states that do not exist', () => {
    expect(() => toMermaid({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } })).toThrow(
      'A goes to B, which is not a state',
    );
    expect(() => toMermaid({ States: {} })).toThrow('StartAt and States');
  });

  it('describes JSONata conditions and Or rules briefly', () => {
    expect(describeRule({ Condition: "{% $states.input.kind = 'a' %}" })).toBe("$states.input.kind = 'a'");
    expect(
      describeRule({
        Or: [
          { Variable: '$.a', StringEquals: 'x' },
          {
            And: [
              { Variable: '$.b', IsNull: true },
              { Variable: '$.c', StringMatches: 'y*' },
            ],
          },
        ],
      }),
    ).toBe('a = x or (b is null and c matches y*)');
  });
});

describe('the README diagrams', () => {
  it('are exactly what the ASL generates (run `npm run diagram` if this fails)', () => {
    expect(checkReadme()).toBeUndefined();
  });

  it('only the block between the markers is replaced', () => {
    const readme = `# Title\n\nBefore.\n\n${START_MARKER}\nold\n${END_MARKER}\n\nAfter.\n`;
    expect(replaceBlock(readme, '\nnew\n')).toBe(
      `# Title\n\nBefore.\n\n${START_MARKER}\nnew\n${END_MARKER}\n\nAfter.\n`,
    );
    expect(() => replaceBlock('# No markers\n', '\nnew\n')).toThrow(START_MARKER);
  });

  it('a stale block is reported with a diff, and --write fixes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'diagram-'));
    const path = join(dir, 'README.md');
    writeFileSync(path, `# Kept\n\n${START_MARKER}\nstale line\n${END_MARKER}\n\nAlso kept.\n`);

    const problem = checkReadme(path, '\nfresh line\n');
    expect(problem).toContain('differ from the ASL');
    expect(problem).toContain('- stale line');
    expect(problem).toContain('+ fresh line');

    expect(writeReadme(path, '\nfresh line\n')).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(
      `# Kept\n\n${START_MARKER}\nfresh line\n${END_MARKER}\n\nAlso kept.\n`,
    );
    expect(checkReadme(path, '\nfresh line\n')).toBeUndefined();
    expect(writeReadme(path, '\nfresh line\n')).toBe(false);
  });

  it('a missing README is created with just the markers around the diagrams', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'diagram-')), 'README.md');
    expect(checkReadme(path, '\nx\n')).toContain('does not exist');
    writeReadme(path, '\nx\n');
    expect(readFileSync(path, 'utf8')).toBe(`${START_MARKER}\nx\n${END_MARKER}\n`);
  });
});
