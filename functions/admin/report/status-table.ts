import { toLondonLocal } from '../../domain/time.js';
import type { StatusRow } from '../status.js';
import { statusColumns } from './labels.js';

/**
 * The `status` command's rows as a plain-text table for a terminal (`pd-admin status`): overdue first,
 * as the command sorts them, times in London, then a line saying how many and how many overdue.
 */
export function statusTable({ asOf, rows }: { asOf: string; rows: StatusRow[] }): string {
  const asOfLine = `As of ${toLondonLocal(new Date(asOf)).replace('T', ' ')} London time`;
  if (!rows.length) return `Nobody to list. ${asOfLine}.\n`;
  const cells = [
    statusColumns.map((c) => c.heading),
    ...rows.map((row) => statusColumns.map((c) => c.cell(row))),
  ];
  const widths = statusColumns.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? '').length)));
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const [headings = [], ...body] = cells;
  const overdue = rows.filter((r) => r.overdue).length;
  return [
    line(headings),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
    `${rows.length} listed, ${overdue} overdue. ${asOfLine}.`,
    '',
  ].join('\n');
}
