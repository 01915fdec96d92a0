import { describe, expect, it } from 'vitest';
import { enrolRows } from '../../infra/cli/bulk-enrolment.js';
import type { EnrolmentRow } from '../../infra/cli/enrolment-file.js';
import { TokenBucket } from '../../infra/cli/token-bucket.js';
import type { AdminOutcome } from '../../infra/cli/transports.js';

const rows = (n: number): EnrolmentRow[] =>
  Array.from({ length: n }, (_, i) => ({
    line: i + 2,
    participantId: `p-${i}`,
    command: {
      command: 'enrol-participant',
      cohortId: 'c',
      participant: { name: `P ${i}`, email: `p${i}@school.test` },
      school: 'S',
      seniorLeader: { name: 'L', email: `l${i}@school.test` },
    },
  }));

const options = (overrides = {}) => ({
  bucket: new TokenBucket({ burst: 1000, refillPerSecond: 1000 }),
  concurrency: 4,
  retries: 3,
  baseBackoffMs: 1,
  maxBackoffMs: 2,
  sleep: async () => undefined,
  ...overrides,
});

const enrolled: AdminOutcome = { ok: true, result: { alreadyEnrolled: false } };
const throttled: AdminOutcome = { ok: false, error: 'ThrottlingException', message: 'Rate exceeded' };

describe('enrolling the rows of a spreadsheet', () => {
  it('tries a throttled enrolment again until it goes through: none fails for throttling', async () => {
    const tries = new Map<string, number>();
    const report = await enrolRows(
      rows(20),
      async ({ participant }) => {
        const n = (tries.get(participant.email) ?? 0) + 1;
        tries.set(participant.email, n);
        return n <= 2 ? throttled : enrolled;
      },
      options(),
    );
    expect(report).toEqual({ enrolled: 20, alreadyEnrolled: 0, failed: [], throttled: 40, notStarted: 0 });
  });

  it('reports, by line, what the system refused or what stayed throttled past the retries', async () => {
    const report = await enrolRows(
      rows(3),
      async ({ participant }) =>
        participant.email === 'p0@school.test'
          ? { ok: false, error: 'AdminCommandRejected', message: 'No cohort "c"' }
          : participant.email === 'p1@school.test'
            ? throttled
            : { ok: true, result: { alreadyEnrolled: true } },
      options({ concurrency: 1 }),
    );
    expect(report).toEqual({
      enrolled: 0,
      alreadyEnrolled: 1,
      failed: [
        { line: 2, error: 'AdminCommandRejected', message: 'No cohort "c"' },
        { line: 3, error: 'ThrottlingException', message: 'Rate exceeded' },
      ],
      throttled: 4,
      notStarted: 0,
    });
  });

  it('stops starting rows once interrupted, and says how many are left', async () => {
    const interrupted = new AbortController();
    let calls = 0;
    const report = await enrolRows(
      rows(10),
      async () => {
        if (++calls === 3) interrupted.abort();
        return enrolled;
      },
      options({ concurrency: 1, signal: interrupted.signal }),
    );
    expect(report).toMatchObject({ enrolled: 3, notStarted: 7 });
  });
});
