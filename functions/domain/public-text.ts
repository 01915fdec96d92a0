import type * as z from 'zod';

/**
 * Text that goes public (certificates, the directory, calendar invites, email headers, download file
 * names) is refused if it holds characters that change what a reader sees from what was stored: control
 * characters (line breaks split headers and invites), bidi overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069, which reverse how a name or file name reads) and zero-width characters (U+200B–U+200D,
 * U+2060, U+FEFF, which make two names that look alike differ). Accents and every script are welcome.
 */
const REFUSED = [
  { characters: /\p{Cc}/u, problem: 'must be on one line, with no special characters' },
  {
    characters: /[\u202A-\u202E\u2066-\u2069]/,
    problem: 'must not contain characters that change the text direction',
  },
  { characters: /[\u200B-\u200D\u2060\uFEFF]/, problem: 'must not contain invisible characters' },
];

/** Why `text` may not go public, or undefined; `lines` lets free text keep its line breaks. */
export function publicTextProblem(text: string, { lines = false } = {}): string | undefined {
  const checked = lines ? text.replace(/\n/g, '') : text;
  return REFUSED.find(({ characters }) => characters.test(checked))?.problem;
}

/** `schema`, refusing what may not go public, with a message that starts with `what` ("Name …"). */
export function publicText<Schema extends z.ZodString>(
  schema: Schema,
  what: string,
  options?: { lines?: boolean },
) {
  return schema.superRefine((text, ctx) => {
    const problem = publicTextProblem(text, options);
    if (problem) ctx.addIssue({ code: 'custom', message: `${what} ${problem}` });
  });
}
