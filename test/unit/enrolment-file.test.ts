import { describe, expect, it } from 'vitest';
import { participantIdFor } from '../../functions/domain/participant.js';
import { checkEnrolmentFile, type EnrolmentContext } from '../../infra/cli/enrolment-file.js';

const context = (overrides: Partial<EnrolmentContext> = {}): EnrolmentContext => ({
  cohortId: 'north-primary-2027',
  pathway: 'primary',
  enrolledHere: new Map(),
  enrolledElsewhere: new Map(),
  ...overrides,
});

const header = 'Name,Email,School,Senior leader name,Senior leader email,Senior leader role,Pathway';
const asha =
  'Asha Patel,asha@hillside.sch.uk,Hillside Primary,Sam Okafor,head@hillside.sch.uk,Head teacher,primary';
const ben = 'Ben Jones,ben@oakfield.sch.uk,Oakfield Primary,Dee Mann,head@oakfield.sch.uk,,Primary';
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('a spreadsheet of participants, checked before anyone is enrolled', () => {
  it('turns each row into an enrol-participant command, with its line', () => {
    const checked = checkEnrolmentFile(utf8(`${header}\n${asha}\n${ben}\n`), context());
    expect(checked.bad).toEqual([]);
    expect(checked.toEnrol).toEqual([
      {
        line: 2,
        participantId: participantIdFor('north-primary-2027', 'asha@hillside.sch.uk'),
        command: {
          command: 'enrol-participant',
          cohortId: 'north-primary-2027',
          participant: { name: 'Asha Patel', email: 'asha@hillside.sch.uk' },
          school: 'Hillside Primary',
          seniorLeader: { name: 'Sam Okafor', email: 'head@hillside.sch.uk', role: 'Head teacher' },
        },
      },
      expect.objectContaining({ line: 3, command: expect.objectContaining({ school: 'Oakfield Primary' }) }),
    ]);
  });

  it("reads UTF-8 with a BOM, and Excel's own CSV (Windows-1252, semicolons, CRLF, empty rows below)", () => {
    const withBom = checkEnrolmentFile(utf8(`\uFEFF${header}\n${asha.replace('Asha', 'Siân')}\n`), context());
    expect(withBom.toEnrol[0]?.command.participant.name).toBe('Siân Patel');
    // "Siân" in Windows-1252: â is one byte, 0xE2, which is not UTF-8 on its own.
    const excel = `${header.replaceAll(',', ';')}\r\n${asha.replace('Asha', 'Si\u00e2n').replaceAll(',', ';')}\r\n;;;;;;\r\n;;;;;;\r\n`;
    const bytes = Uint8Array.from([...excel].map((c) => c.charCodeAt(0)));
    const fromExcel = checkEnrolmentFile(bytes, context());
    expect(fromExcel.bad).toEqual([]);
    expect(fromExcel.toEnrol.map((r) => r.command.participant.name)).toEqual(['Siân Patel']);
  });

  it('lists every bad row by line with each reason', () => {
    const file = [
      header,
      asha,
      'Cara Bad,not-an-email,Hill School,Sam Okafor,head@hill.sch.uk,,primary',
      'Dan Short,dan@x.sch.uk,Some School',
      'Eve Path,eve@y.sch.uk,Y School,Sam Okafor,head@y.sch.uk,,infants',
      'Fay Sec,fay@z.sch.uk,Z School,Sam Okafor,head@z.sch.uk,,secondary',
      asha.replace('Asha Patel', 'Asha Again').replace('asha@', 'ASHA@'),
      ',gus@w.sch.uk,W School,,head@w.sch.uk,,',
    ].join('\n');
    expect(checkEnrolmentFile(utf8(file), context()).bad).toEqual([
      { line: 3, reasons: ['email: Enter an email address like name@school.org.uk'] },
      { line: 4, reasons: ['missing column "senior leader name"', 'missing column "senior leader email"'] },
      {
        line: 5,
        reasons: ['unknown pathway "infants" (one of primary, secondary, a-level, further-education)'],
      },
      { line: 6, reasons: ["pathway secondary is not this cohort's (primary)"] },
      { line: 7, reasons: ['duplicate of line 2 (asha@hillside.sch.uk)'] },
      { line: 8, reasons: ['name: Enter a name', 'senior leader name: Enter a name'] },
    ]);
  });

  it('refuses a file without a column it needs, or one that is not CSV, as a whole', () => {
    expect(checkEnrolmentFile(utf8('Name,Email,School\nAsha,a@b.sch.uk,Hill\n'), context()).bad).toEqual([
      { line: 1, reasons: ['missing column "senior leader name"', 'missing column "senior leader email"'] },
    ]);
    expect(checkEnrolmentFile(utf8(`${header}\n"Asha,unclosed\n`), context()).bad).toEqual([
      { line: 2, reasons: [expect.stringMatching(/^not a readable CSV file: Quote Not Closed/)] },
    ]);
    expect(checkEnrolmentFile(utf8(''), context()).bad).toEqual([
      { line: 1, reasons: ['the file is empty'] },
    ]);
  });

  it('sets aside rows already enrolled here (a re-run); refuses those enrolled elsewhere or here as someone else', () => {
    const ashaId = participantIdFor('north-primary-2027', 'asha@hillside.sch.uk');
    const benId = participantIdFor('north-primary-2027', 'ben@oakfield.sch.uk');
    const rerun = checkEnrolmentFile(
      utf8(`${header}\n${asha}\n${ben}\n`),
      context({ enrolledHere: new Map([[ashaId, { name: 'Asha Patel' }]]) }),
    );
    expect(rerun.bad).toEqual([]);
    expect(rerun.alreadyEnrolled.map((r) => r.line)).toEqual([2]);
    expect(rerun.toEnrol.map((r) => r.participantId)).toEqual([benId]);

    const clash = checkEnrolmentFile(
      utf8(`${header}\n${asha}\n${ben}\n`),
      context({
        enrolledHere: new Map([[ashaId, { name: 'Asha Khan' }]]),
        enrolledElsewhere: new Map([['ben@oakfield.sch.uk', 'south-primary-2027']]),
      }),
    );
    expect(clash.bad).toEqual([
      { line: 2, reasons: ['already enrolled in this cohort as Asha Khan'] },
      { line: 3, reasons: ['already enrolled in cohort south-primary-2027'] },
    ]);
  });
});
