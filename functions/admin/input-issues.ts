import type * as z from 'zod';
import type { InputIssue } from './command.js';

const pathOf = (path: readonly PropertyKey[]) => (path.length ? path.map(String).join('.') : '(command)');

/** What zod says of one field, in the admin's words: a missing field is "required", not "received undefined". */
function why(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return 'required';
  if (issue.code === 'invalid_union' && issue.errors.length > 0)
    // One of several shapes (a development day, or a deadline): each shape's wrong fields, as alternatives.
    return issue.errors
      .map((branch) => branch.map((inner) => `${pathOf(inner.path)} ${why(inner)}`).join(', '))
      .join('; or ');
  if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options))
    return `one of ${issue.options.join(', ')}`;
  return issue.message;
}

/** Every wrong field of a zod error, each with where it is and why. */
export const inputIssuesOf = (error: z.ZodError): InputIssue[] =>
  error.issues.map((issue) => ({ path: pathOf(issue.path), message: why(issue) }));
