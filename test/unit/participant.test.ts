import { describe, expect, it } from 'vitest';
import { PersonName, participantIdFor } from '../../functions/domain/participant.js';

describe('participantIdFor', () => {
  it('is stable: the same person in the same cohort always gets the same stored id', () => {
    expect(participantIdFor('north-primary-2027', 'asha@hillside.sch.uk')).toBe('p-cvg2brppseox0tvvstfv2e');
  });

  it('ignores case and surrounding spaces in the email', () => {
    const id = participantIdFor('north-primary-2027', 'asha@hillside.sch.uk');
    expect(participantIdFor('north-primary-2027', 'Asha@Hillside.SCH.uk')).toBe(id);
    expect(participantIdFor('north-primary-2027', '  asha@hillside.sch.uk\n')).toBe(id);
  });

  it('differs per cohort and per person', () => {
    const id = participantIdFor('north-primary-2027', 'asha@hillside.sch.uk');
    expect(participantIdFor('south-primary-2027', 'asha@hillside.sch.uk')).not.toBe(id);
    expect(participantIdFor('north-primary-2027', 'ben@hillside.sch.uk')).not.toBe(id);
  });

  it('is p- and 22 lower-case letters or digits, safe in keys and execution names', () => {
    for (let i = 0; i < 200; i++) {
      expect(participantIdFor(`cohort-${i}`, `person${i}@school.test`)).toMatch(/^p-[a-z0-9]{22}$/);
    }
  });
});

describe('PersonName', () => {
  const error = (value: unknown) => PersonName.safeParse(value).error?.issues[0]?.message;

  it('accepts real names, trimmed', () => {
    expect(PersonName.parse("  Zoë O'Brien-Smith ")).toBe("Zoë O'Brien-Smith");
    expect(PersonName.parse('x'.repeat(100))).toHaveLength(100);
  });

  it('rejects markup', () => {
    expect(error('<script>alert(1)</script>')).toBe('Name must not contain < or >');
    expect(error('Sam > Okafor')).toBe('Name must not contain < or >');
  });

  it('rejects line breaks and other control characters', () => {
    expect(error('Sam\nBcc: everyone@school.test')).toBe(
      'Name must be on one line, with no special characters',
    );
    expect(error('Sam\u0000Okafor')).toBe('Name must be on one line, with no special characters');
    expect(error('Sam\tOkafor')).toBe('Name must be on one line, with no special characters');
  });

  it('rejects an empty or blank name', () => {
    expect(error('')).toBe('Enter a name');
    expect(error('   ')).toBe('Enter a name');
    expect(error(undefined)).toBe('Enter a name');
  });

  it('rejects more than 100 characters', () => {
    expect(error('x'.repeat(101))).toBe('Name must be 100 characters or fewer');
  });
});
