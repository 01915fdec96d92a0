import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { Cohort, DaySchedule } from '../../functions/domain/cohort.js';
import { OrganisationName, PersonName } from '../../functions/domain/participant.js';
import { publicTextProblem } from '../../functions/domain/public-text.js';
import { testCohort } from '../support/local-system.js';

const message = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues[0]?.message;

/** One of each class of character that must not go public, in the middle of a name. */
const refused = {
  'a line break': ['Sam\nBcc: everyone@school.test', 'must be on one line, with no special characters'],
  'a control character': ['Sam\u0007Okafor', 'must be on one line, with no special characters'],
  ...Object.fromEntries(
    ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'].map((c) => [
      `U+${c.codePointAt(0)?.toString(16).toUpperCase()} (text direction)`,
      [`Asha${c}ftp.exe`, 'must not contain characters that change the text direction'],
    ]),
  ),
  ...Object.fromEntries(
    ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF'].map((c) => [
      `U+${c.codePointAt(0)?.toString(16).toUpperCase()} (zero width)`,
      [`As${c}ha Patel`, 'must not contain invisible characters'],
    ]),
  ),
} as Record<string, [string, string]>;

describe('text that goes public', () => {
  it.each(Object.entries(refused))(
    'refuses %s in a person’s name, a school, a cohort and a venue',
    (_, [text, why]) => {
      expect(message(PersonName, text)).toBe(`Name ${why}`);
      expect(message(OrganisationName, text)).toBe(`Organisation ${why}`);
      expect(message(Cohort.shape.name, text)).toBe(`Cohort name ${why}`);
      expect(message(Cohort.shape.cohortLead.shape.name, text)).toBe(`Cohort lead name ${why}`);
      const day = DaySchedule.parse(testCohort.schedule['day-1']);
      expect(message(DaySchedule, { ...day, venue: text })).toBe(`Venue ${why}`);
    },
  );

  it.each([
    'Zoë Brontë-Öztürk',
    'Siân Llŷr ap Gwynfor',
    'Ffion Ní Bhriain',
    "Cara O'Neil",
    'عائشہ پٹیل',
    'محمد علی خان',
    '李小龍',
    'Ysgol Gynradd Llanfair Pwllgwyngyll',
  ])('accepts %s', (name) => {
    expect(PersonName.parse(name)).toBe(name);
    expect(OrganisationName.parse(name)).toBe(name);
  });

  it('free text may keep its line breaks when it says so, and nothing else', () => {
    expect(publicTextProblem('Line one\nline two', { lines: true })).toBeUndefined();
    expect(publicTextProblem('Line one\nline two')).toBe('must be on one line, with no special characters');
    expect(publicTextProblem('Line one\u202Eowt enil', { lines: true })).toBe(
      'must not contain characters that change the text direction',
    );
  });
});
