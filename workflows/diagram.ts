/**
 * Mermaid diagrams of the workflows, generated from their ASL so the README cannot drift from them.
 *
 *   tsx workflows/diagram.ts --write   rewrites the block between the markers in README.md
 *   tsx workflows/diagram.ts --check   exits non-zero if that block is not what would be generated
 */
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workflowFiles } from './definitions.js';

export const START_MARKER = '<!-- workflow-diagram:start -->';
export const END_MARKER = '<!-- workflow-diagram:end -->';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));

type Json = unknown;
type Rule = Record<string, Json>;

interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: Rule[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `$.commitment.decision` reads as `decision`: enough to tell the branches of a Choice apart. */
function shortPath(path: string): string {
  const segments = path.split('.').filter((s) => s !== '' && s !== '$' && s !== '$$');
  return segments.at(-1) ?? path;
}

const comparisons: Record<string, string> = {
  Equals: '=',
  LessThan: '<',
  GreaterThan: '>',
  LessThanEquals: '≤',
  GreaterThanEquals: '≥',
  Matches: 'matches',
};

/** A Choice rule in a few words: `decision = signed`, `count ≥ 3 and not (done = true)`. */
export function describeRule(rule: Rule): string {
  if (typeof rule.Condition === 'string') {
    return rule.Condition.replace(/^\s*\{%\s*/, '')
      .replace(/\s*%\}\s*$/, '')
      .trim();
  }
  const nested = (r: Json) => {
    const text = isRecord(r) ? describeRule(r) : 'condition';
    return isRecord(r) && (r.And || r.Or) ? `(${text})` : text;
  };
  if (Array.isArray(rule.And)) return rule.And.map(nested).join(' and ');
  if (Array.isArray(rule.Or)) return rule.Or.map(nested).join(' or ');
  if (isRecord(rule.Not)) return `not (${describeRule(rule.Not)})`;

  const variable = typeof rule.Variable === 'string' ? shortPath(rule.Variable) : 'value';
  for (const [key, value] of Object.entries(rule)) {
    const comparison =
      /^(?:String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals|Matches)(Path)?$/.exec(
        key,
      );
    if (comparison) {
      const operator = comparisons[comparison[1] ?? ''] ?? '?';
      const operand = comparison[2] && typeof value === 'string' ? shortPath(value) : String(value);
      return `${variable} ${operator} ${operand}`;
    }
    const test = /^Is(Null|Present|Numeric|String|Boolean|Timestamp)$/.exec(key);
    if (test) {
      const what = test[1] === 'Present' ? 'present' : (test[1] ?? '').toLowerCase();
      return `${variable} is ${value === false ? 'not ' : ''}${what}`;
    }
  }
  return 'condition';
}

/** A label is the rest of its line in Mermaid, so it must stay on one line. */
function label(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A state diagram of one ASL definition: every transition it can take, each labelled with why. */
export function toMermaid(asl: object): string {
  const definition = asl as { StartAt?: unknown; States?: unknown };
  if (typeof definition.StartAt !== 'string' || !isRecord(definition.States)) {
    throw new Error('Not an ASL definition: it needs StartAt and States');
  }
  const states = definition.States as Record<string, AslState>;
  if (!(definition.StartAt in states)) throw new Error(`StartAt names no state: ${definition.StartAt}`);

  const ids = new Map<string, string>();
  const declarations: string[] = [];
  for (const name of Object.keys(states)) {
    const id = name.replace(/[^A-Za-z0-9_]/g, '_');
    if ([...ids.values()].includes(id)) throw new Error(`Two states would share the diagram id ${id}`);
    ids.set(name, id);
    if (id !== name) declarations.push(`state "${label(name).replaceAll('"', "'")}" as ${id}`);
  }
  const idOf = (name: string, from: string) => {
    const id = ids.get(name);
    if (id === undefined) throw new Error(`${from} goes to ${name}, which is not a state`);
    return id;
  };

  const edges: string[] = [`[*] --> ${idOf(definition.StartAt, 'StartAt')}`];
  for (const [name, state] of Object.entries(states)) {
    const id = idOf(name, name);
    const edge = (to: string, why?: string) =>
      edges.push(`${id} --> ${to}${why === undefined ? '' : ` : ${label(why)}`}`);
    if (state.Type === 'Choice') {
      for (const rule of state.Choices ?? []) {
        if (typeof rule.Next === 'string') edge(idOf(rule.Next, name), describeRule(rule));
      }
      if (state.Default !== undefined) edge(idOf(state.Default, name), 'otherwise');
    }
    if (state.Next !== undefined) edge(idOf(state.Next, name));
    for (const handler of state.Catch ?? []) edge(idOf(handler.Next, name), handler.ErrorEquals.join(', '));
    if (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail') edge('[*]');
  }
  return ['stateDiagram-v2', ...[...declarations, ...edges].map((line) => `  ${line}`)].join('\n');
}

/** What belongs between the markers: one heading and one diagram per workflow. */
export function diagramBlock(files: Readonly<Record<string, string>> = workflowFiles): string {
  const sections = Object.entries(files).map(([name, file]) => {
    const path = relative(repoRoot, file).split(sep).join('/');
    const diagram = toMermaid(JSON.parse(readFileSync(file, 'utf8')) as object);
    return `### ${name}\n\nFrom \`${path}\`:\n\n\`\`\`mermaid\n${diagram}\n\`\`\``;
  });
  return `\n${sections.join('\n\n')}\n`;
}

/** The readme with `block` between its markers; everything outside them is kept as it is. */
export function replaceBlock(readme: string, block: string): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`README.md needs ${START_MARKER} followed by ${END_MARKER} where the diagrams go`);
  }
  return readme.slice(0, start + START_MARKER.length) + block + readme.slice(end);
}

/** A line diff, `-` for what is there and `+` for what should be, with a line of context around each change. */
export function lineDiff(actual: string, expected: string): string {
  const a = actual.split('\n');
  const b = expected.split('\n');
  // Longest common subsequence, from the end, so the walk below can go forwards.
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] =
        a[i] === b[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const lines: { mark: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ mark: ' ', text: a[i++] as string });
      j++;
    } else if (j < b.length && (i >= a.length || (lcs[i]?.[j + 1] ?? 0) >= (lcs[i + 1]?.[j] ?? 0))) {
      lines.push({ mark: '+', text: b[j++] as string });
    } else {
      lines.push({ mark: '-', text: a[i++] as string });
    }
  }
  const near = (k: number) => [k - 1, k, k + 1].some((n) => lines[n] && lines[n].mark !== ' ');
  return lines
    .map((line, k) => (near(k) ? `${line.mark} ${line.text}`.trimEnd() : undefined))
    .filter((line, k, all) => line !== undefined || all[k - 1] !== undefined)
    .map((line) => line ?? '  …')
    .join('\n');
}

/** Why the readme's diagrams are stale, or undefined when they are exactly what would be generated. */
export function checkReadme(path = readmePath, block = diagramBlock()): string | undefined {
  if (!existsSync(path)) return `${path} does not exist. Run: npm run diagram`;
  const readme = readFileSync(path, 'utf8');
  let expected: string;
  try {
    expected = replaceBlock(readme, block);
  } catch (error) {
    return (error as Error).message;
  }
  if (expected === readme) return undefined;
  return `The workflow diagrams in ${path} differ from the ASL. Run: npm run diagram\n\n${lineDiff(readme, expected)}`;
}

/** Rewrites the block in the readme, creating the readme with just the markers if there is none. */
export function writeReadme(path = readmePath, block = diagramBlock()): boolean {
  const readme = existsSync(path) ? readFileSync(path, 'utf8') : `${START_MARKER}\n${END_MARKER}\n`;
  const updated = replaceBlock(readme, block);
  if (existsSync(path) && updated === readme) return false;
  writeFileSync(path, updated);
  return true;
}

function main(args: string[]): number {
  if (args.includes('--write')) {
    console.log(
      writeReadme() ? `Updated the workflow diagrams in ${readmePath}` : 'Diagrams already up to date',
    );
    return 0;
  }
  if (args.includes('--check')) {
    const problem = checkReadme();
    if (problem === undefined) {
      console.log('Workflow diagrams are up to date');
      return 0;
    }
    console.error(problem);
    return 1;
  }
  console.error('Usage: tsx workflows/diagram.ts --write | --check');
  return 2;
}

/** Run as a script, not imported (by the tests): the entry file Node was given is this one. */
function isScript(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return fileURLToPath(import.meta.url) === realpathSync(entry);
  } catch {
    return false;
  }
}

if (isScript()) process.exitCode = main(process.argv.slice(2));
