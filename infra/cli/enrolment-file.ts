import { parse } from 'csv-parse/sync';
import { parseAdminCommand } from '../../functions/admin/admin-commands.js';
import type { Command } from '../../functions/admin/command.js';
import { AdminInputInvalid } from '../../functions/admin/command.js';
import { participantIdFor } from '../../functions/domain/participant.js';
import { Pathway } from '../../functions/domain/pathway.js';

/**
 * A spreadsheet of participants to enrol in one cohort, as the admin's team keeps it: one row per
 * participant, the columns named in the first row (in any order and case; `Senior leader email`,
 * `senior_leader_email` and `SeniorLeaderEmail` are the same column). UTF-8 with or without a BOM, or
 * Excel's own CSV export (Windows-1252, and `;` between cells where the locale uses decimal commas).
 */
const COLUMNS = {
  name: { label: 'name', aliases: ['name', 'participantname', 'participant', 'fullname'] },
  email: { label: 'email', aliases: ['email', 'participantemail', 'emailaddress'] },
  school: { label: 'school', aliases: ['school', 'organisation', 'schoolororganisation', 'college'] },
  leaderName: { label: 'senior leader name', aliases: ['seniorleadername', 'seniorleader', 'leadername'] },
  leaderEmail: { label: 'senior leader email', aliases: ['seniorleaderemail', 'leaderemail'] },
  leaderRole: { label: 'senior leader role', aliases: ['seniorleaderrole', 'leaderrole', 'role'] },
  pathway: { label: 'pathway', aliases: ['pathway'] },
} as const;
type Column = keyof typeof COLUMNS;
const REQUIRED: Column[] = ['name', 'email', 'school', 'leaderName', 'leaderEmail'];

/** Where each field of `enrol-participant` is in the file, to name the column a problem is in. */
const columnOfField: Record<string, Column> = {
  'participant.name': 'name',
  'participant.email': 'email',
  school: 'school',
  'seniorLeader.name': 'leaderName',
  'seniorLeader.email': 'leaderEmail',
  'seniorLeader.role': 'leaderRole',
};

/** A row to enrol: where it is in the file, and the command it becomes. */
export interface EnrolmentRow {
  line: number;
  participantId: string;
  command: Command<'enrol-participant'>;
}

/** A row that cannot be enrolled, by line number, with every reason. */
export interface BadRow {
  line: number;
  reasons: string[];
}

export interface CheckedFile {
  /** Rows to enrol now. */
  toEnrol: EnrolmentRow[];
  /** Rows already enrolled in this cohort as the file has them (a re-run after an interruption). */
  alreadyEnrolled: EnrolmentRow[];
  bad: BadRow[];
}

/** What the cohort and the system already hold, to check rows against. */
export interface EnrolmentContext {
  cohortId: string;
  pathway: string;
  /** Participants already in this cohort, by id (the id comes from the cohort and the email). */
  enrolledHere: Map<string, { name: string }>;
  /** Addresses (lower case) of people on another cohort of the same programme, with that cohort. */
  enrolledElsewhere: Map<string, string>;
}

/** UTF-8 (a BOM dropped), or, if the bytes are not UTF-8, Windows-1252 as Excel writes it. */
export function decodeSpreadsheet(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

const normalised = (heading: string) => heading.toLowerCase().replace(/[^a-z]/g, '');

function delimiterOf(text: string): string {
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  const count = (c: string) => header.split(c).length - 1;
  return [';', '\t'].find((c) => count(c) > count(',')) ?? ',';
}

/** The file's rows, each with its line number and its cells by column; or why the whole file is refused. */
function readRows(
  text: string,
): { rows: { line: number; cells: Partial<Record<Column, string>> }[] } | BadRow {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: delimiterOf(text),
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    const { message, lines } = error as Error & { lines?: number };
    return { line: lines ?? 1, reasons: [`not a readable CSV file: ${message}`] };
  }
  const [header, ...body] = records;
  if (!header) return { line: 1, reasons: ['the file is empty'] };
  const columns = header.record.map(
    (heading) =>
      (Object.keys(COLUMNS) as Column[]).find((c) =>
        (COLUMNS[c].aliases as readonly string[]).includes(normalised(heading)),
      ) ?? null,
  );
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (missing.length)
    return { line: header.info.lines, reasons: missing.map((c) => `missing column "${COLUMNS[c].label}"`) };
  return {
    rows: body
      // Excel writes rows of empty cells below the data.
      .filter(({ record }) => record.some((cell) => cell !== ''))
      .map(({ record, info }) => ({
        line: info.lines,
        cells: Object.fromEntries(
          columns.flatMap((column, i) => (column && record[i] !== undefined ? [[column, record[i]]] : [])),
        ),
      })),
  };
}

/** One row as an `enrol-participant` command, or every reason it is not one. */
function checkRow(
  cells: Partial<Record<Column, string>>,
  context: EnrolmentContext,
): { command: Command<'enrol-participant'> } | { reasons: string[] } {
  const reasons = REQUIRED.filter((c) => cells[c] === undefined).map(
    (c) => `missing column "${COLUMNS[c].label}"`,
  );
  const pathway = cells.pathway;
  if (pathway) {
    const known = Pathway.options.find((p) => normalised(p) === normalised(pathway));
    if (!known) reasons.push(`unknown pathway "${pathway}" (one of ${Pathway.options.join(', ')})`);
    else if (known !== context.pathway)
      reasons.push(`pathway ${known} is not this cohort's (${context.pathway})`);
  }
  try {
    const command = parseAdminCommand({
      command: 'enrol-participant',
      cohortId: context.cohortId,
      participant: { name: cells.name ?? '', email: cells.email ?? '' },
      school: cells.school ?? '',
      seniorLeader: {
        name: cells.leaderName ?? '',
        email: cells.leaderEmail ?? '',
        ...(cells.leaderRole && { role: cells.leaderRole }),
      },
    }) as Command<'enrol-participant'>;
    return reasons.length ? { reasons } : { command };
  } catch (error) {
    if (!(error instanceof AdminInputInvalid)) throw error;
    for (const issue of error.issues) {
      const column = columnOfField[issue.path];
      // A missing column is said once, not again as an empty value.
      if (!column || cells[column] !== undefined)
        reasons.push(`${column ? COLUMNS[column].label : issue.path}: ${issue.message}`);
    }
    return { reasons };
  }
}

/**
 * Every row of the file checked before anything is enrolled: its fields, its pathway, a duplicate
 * within the file, someone on another cohort of the programme, or someone already in this cohort under
 * another name. Rows already enrolled as they are here are set aside, so a re-run enrols only the rest.
 */
export function checkEnrolmentFile(bytes: Uint8Array, context: EnrolmentContext): CheckedFile {
  const read = readRows(decodeSpreadsheet(bytes));
  const checked: CheckedFile = { toEnrol: [], alreadyEnrolled: [], bad: [] };
  if ('reasons' in read) return { ...checked, bad: [read] };
  const firstLineOf = new Map<string, number>();
  for (const { line, cells } of read.rows) {
    const row = checkRow(cells, context);
    if ('reasons' in row) {
      checked.bad.push({ line, reasons: row.reasons });
      continue;
    }
    const { command } = row;
    const email = command.participant.email.toLowerCase();
    const participantId = participantIdFor(context.cohortId, email);
    const reasons: string[] = [];
    const first = firstLineOf.get(email);
    if (first !== undefined) reasons.push(`duplicate of line ${first} (${email})`);
    else firstLineOf.set(email, line);
    const elsewhere = context.enrolledElsewhere.get(email);
    if (elsewhere) reasons.push(`already enrolled in cohort ${elsewhere}`);
    const here = context.enrolledHere.get(participantId);
    if (here && here.name !== command.participant.name)
      reasons.push(`already enrolled in this cohort as ${here.name}`);
    if (reasons.length) checked.bad.push({ line, reasons });
    else (here ? checked.alreadyEnrolled : checked.toEnrol).push({ line, participantId, command });
  }
  return checked;
}
