import { statusTable } from '../../functions/admin/report/status-table.js';
import type { AdminOutcome } from './transports.js';

/** Rows as an aligned plain-text table, the columns in the order given. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((column) => String(row[column] ?? '')));
  const widths = columns.map((column, i) =>
    Math.max(column.length, ...cells.map((row) => row[i]?.length ?? 0)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns), ...cells.map(line)].join('\n');
}

type Shown = Record<string, unknown>;

/** How a command's result reads for a person; anything without its own view is shown as JSON. */
const views: Record<string, (result: Shown) => string> = {
  status: (r) => statusTable(r as unknown as Parameters<typeof statusTable>[0]),
  // The report's figures go to files (`pd-admin report --html … --csv …`); here, where they went.
  'programme-report': (r) => `Programme report as of ${r.asOf ?? 'now'}: use --html and --csv to write it.`,
  'list-cohorts': (r) =>
    table(r.cohorts as Shown[], [
      'cohortId',
      'name',
      'programmeId',
      'pathway',
      'mathsHub',
      'startsOn',
      'cohortLead',
    ]),
  'list-participants': (r) =>
    table(r.participants as Shown[], [
      'participantId',
      'name',
      'stage',
      'waitingOn',
      'asked',
      'nextDeadline',
    ]),
  'show-schedule': (r) =>
    `${r.name} (${r.cohortId})\n${table(
      (r.steps as Shown[]).map((s) => ({
        ...s,
        when: s.starts ? `${s.starts} to ${s.ends}` : (s.deadline ?? `after ${s.follows}`),
      })),
      ['stepId', 'title', 'when', 'venue'],
    )}`,
  'show-participant': (r) => {
    const { participant, history, asks, executions } = r as {
      participant: Shown & { person: Shown };
      history: Shown[];
      asks: Shown[];
      executions: Shown[];
    };
    return [
      `${participant.person.name} <${participant.person.email}> (${participant.participantId})`,
      `cohort ${participant.cohortId}, stage ${participant.stage}, waiting on ${r.waitingOn}${r.nextDeadline ? ` by ${r.nextDeadline}` : ''}`,
      '',
      'History',
      table(history, ['at', 'what']),
      '',
      'Asks',
      table(asks, ['kind', 'stepId', 'of', 'status', 'dueBy', 'invitedAt', 'remindersSent', 'answeredAt']),
      '',
      'Executions',
      table(executions, ['workflow', 'name', 'status', 'consoleUrl']),
    ].join('\n');
  },
  'edit-cohort': (r) =>
    [
      r.preview ? 'Preview: nothing has changed yet.' : 'Changed.',
      ...(r.changes as Shown[]).map(
        (c) =>
          `\n${c.change}\n  from ${JSON.stringify(c.from)}\n  to   ${JSON.stringify(c.to)}\n  affects ${(c.affected as Shown[]).length}: ${(c.affected as Shown[]).map((p) => p.name).join(', ') || 'nobody'}`,
      ),
    ].join('\n'),
};

/** The result for a person, or for a script (`--json`). */
export function formatResult(result: unknown, json: boolean): string {
  if (json) return JSON.stringify(result, null, 2);
  const view = views[String((result as Shown | null)?.command)];
  return view ? view(result as Shown) : JSON.stringify(result, null, 2);
}

/** Why a command failed, for a person (each wrong field on its line) or a script (`--json`). */
export function formatFailure(outcome: Extract<AdminOutcome, { ok: false }>, json: boolean): string {
  if (json) return JSON.stringify(outcome, null, 2);
  if (outcome.error === 'AdminInputInvalid')
    return ['Bad input:', ...(outcome.issues ?? []).map((i) => `  ${i.path}: ${i.message}`)].join('\n');
  if (outcome.error === 'AdminCommandRejected') return `Refused: ${outcome.message}`;
  if (outcome.error === 'SystemUnreachable') return outcome.message;
  return `The system failed (not your input): ${outcome.error}: ${outcome.message}`;
}
