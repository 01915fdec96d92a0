import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { termlyReports } from '../../functions/domain/accredited-years.js';
import type { Participant } from '../../functions/domain/participant.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { accreditedYearsPlan, parkedIn } from '../support/accredited-years.js';
import { BUCKET, everythingHeld, localS3, whereHeld } from '../support/held-data.js';
import { checkInvariantsAfterEach } from '../support/invariants.js';
import { linkIn, mailbox, startTestSystem, waitForState, waitForStatus } from '../support/local-system.js';
import {
  advanceTo,
  advanceToInstant,
  lead,
  post,
  programmeCohort,
  recordAttendance,
} from '../support/programme.js';

/**
 * UK GDPR rights on the running system: two people go through the whole programme to accreditation by the
 * links in their emails (answers, an uploaded file, feedback, a directory entry, the certificate); then one
 * is exported and erased, and everything the system holds (both DynamoDB tables scanned raw, every S3
 * object, every execution's input and output) holds none of their identifiers while the other's are all
 * still there.
 */

let system: LocalSystem;
const cohortId = 'gdpr-north-primary';

/** Two people, every identifier of theirs distinct from the other's (and from the test cohort's). */
const people = {
  erased: {
    name: 'Bronwen Ellis-Yardley',
    email: 'bronwen@cwm-rhondda.test',
    school: 'Cwm Rhondda Primary',
    leader: { name: 'Gareth Pryce', email: 'head@cwm-rhondda.test', role: 'Head teacher' },
    interim: {
      plan: 'Bronwen plan: lesson study on ratio',
      whatHappened: 'Bronwen ran three ratio cycles',
      evaluation: 'Bronwen evaluated with pupil interviews',
    },
    framework: {
      planning: 'Bronwen framework planning',
      evaluation: 'Bronwen framework evaluation',
      reflection: 'Bronwen framework reflection',
    },
    feedback: 'Feedback for Bronwen: strong on ratio',
    file: 'Bronwen ratio evidence.pdf',
    offer: 'Bronwen offers ratio workshops',
  },
  kept: {
    name: 'Tomasz Kowalczyk',
    email: 'tomasz@riverside.test',
    school: 'Riverside Academy',
    leader: { name: 'Helen Marsh', email: 'helen.marsh@riverside.test', role: 'Principal' },
    interim: {
      plan: 'Tomasz plan: fractions work group',
      whatHappened: 'Tomasz led four sessions',
      evaluation: 'Tomasz evaluated with book looks',
    },
    framework: {
      planning: 'Tomasz framework planning',
      evaluation: 'Tomasz framework evaluation',
      reflection: 'Tomasz framework reflection',
    },
    feedback: 'Feedback for Tomasz: say more on impact',
    file: 'Tomasz fractions evidence.pdf',
    offer: 'Tomasz offers fractions workshops',
  },
};
type Person = (typeof people)['erased'];
type Journey = { participantId: string; executionArn: string; code: string; person: Person };
const journeys = {} as Record<keyof typeof people, Journey>;

/** Every identifier of a person: their name, address, school, senior leader, answers, feedback and file. */
const identifiers = (p: Person) => [
  p.name,
  p.email,
  p.school,
  p.leader.name,
  p.leader.email,
  ...Object.values(p.interim),
  ...Object.values(p.framework),
  p.feedback,
  p.file,
  p.offer,
];

async function enrolled(person: Person) {
  return (await system.admin({
    command: 'enrol-participant',
    cohortId,
    participant: { name: person.name, email: person.email },
    school: person.school,
    seniorLeader: person.leader,
  })) as { participantId: string; executionArn: string };
}

/** A PDF (its first bytes are what the submission checks) uploaded for the request, as the presigned POST would put it. */
async function uploadFor(participantId: string, person: Person) {
  const requests = await system.dependencies.store.requests.ofParticipant(participantId);
  const ask = requests.find((r) => r.kind === 'submission' && r.stepId === 'interim-task');
  await localS3(system).send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: `uploads/${ask?.requestId}/folder/${person.file}`,
      Body: Buffer.from(`%PDF-1.4\n${person.name}'s evidence\n%%EOF\n`, 'latin1'),
      ContentType: 'application/pdf',
    }),
  );
}

beforeAll(async () => {
  system = await startTestSystem();
  const cohort = await programmeCohort(system, cohortId);
  const mail = mailbox(system);
  const both = Object.entries(people) as [keyof typeof people, Person][];
  for (const [key, person] of both) {
    const { participantId, executionArn } = await enrolled(person);
    const ask = await mail.waitForEmail(person.leader.email, /^Please confirm your support/);
    await waitForState(system, executionArn, 'AwaitCommitment');
    const signed = await post(linkIn(ask), {
      decision: 'signed',
      signedBy: person.leader.name,
      role: person.leader.role,
      agree: 'yes',
    });
    expect(signed.status, signed.page).toBe(200);
    await waitForState(system, executionArn, 'AtDevelopmentDay');
    journeys[key] = { participantId, executionArn, code: '', person };
  }
  const everyone = Object.values(journeys);
  advanceTo(system, cohort.schedule['day-1'].ends);
  await recordAttendance(system, 'Development day 1', everyone, 'attended');
  for (const { participantId, person } of everyone) {
    const brief = await mail.waitForEmail(person.email, /^Please submit your Interim task/);
    await uploadFor(participantId, person);
    expect((await post(linkIn(brief), person.interim)).status).toBe(200);
    const feedbackAsk = await mail.waitForEmail(lead, new RegExp(`Please give feedback to ${person.name}`));
    expect((await post(linkIn(feedbackAsk), { feedback: person.feedback })).status).toBe(200);
  }
  for (const { executionArn } of everyone) await waitForState(system, executionArn, 'AtDevelopmentDay');
  advanceTo(system, cohort.schedule['day-2'].ends);
  await recordAttendance(system, 'Development day 2', everyone, 'attended');
  for (const journey of everyone) {
    const { person } = journey;
    const framework = await mail.waitForEmail(person.email, /^Please submit your Planning, Evaluation/);
    expect((await post(linkIn(framework), person.framework)).status).toBe(200);
    const assessAsk = await mail.waitForEmail(lead, new RegExp(`Please assess ${person.name}'s submission`));
    expect((await post(linkIn(assessAsk), { decision: 'accredited' })).status).toBe(200);
    const accredited = await mail.waitForEmail(person.email, /you are accredited/);
    await waitForStatus(system, journey.executionArn, 'SUCCEEDED');
    const entry = await post(linkIn(accredited), {
      listed: 'yes',
      displayName: person.name,
      organisation: person.school,
      contactEmail: person.email,
      offer: person.offer,
      pageId: 'first',
    });
    expect(entry.status, entry.page).toBe(200);
    const record = await system.dependencies.store.participants.get(journey.participantId);
    journey.code = record?.accreditation?.verificationCode ?? '';
  }
}, 180_000);

afterAll(() => system.stop());
checkInvariantsAfterEach(() => system);

/** Whether a form answer's page, kept on its request for the same post again, names `name`. */
const inReplayPage = (held: Awaited<ReturnType<typeof everythingHeld>>, name: string) =>
  held.some((h) => h.where.includes('REQUEST#') && h.text.includes('replayPage') && h.text.includes(name));

describe('before anything is erased', () => {
  it('both people are held everywhere the test looks: tables, replay pages, files, certificates', async () => {
    const held = await everythingHeld(system);
    for (const { person, code } of Object.values(journeys)) {
      expect(whereHeld(held, identifiers(person)).length).toBeGreaterThan(identifiers(person).length);
      expect(inReplayPage(held, person.name)).toBe(true);
      expect(held.map((h) => h.where)).toContain(`s3 certificates/${code}.pdf`);
      expect(held.some((h) => h.where.startsWith('s3 uploads/') && h.where.endsWith(person.file))).toBe(true);
    }
  });
});

describe('export-person', () => {
  it('by participant id: everything held about the participant, and nothing about anyone else', async () => {
    const { erased, kept } = journeys;
    const exported = JSON.stringify(
      await system.admin({ command: 'export-person', participantId: erased.participantId }),
    );
    expect(whereHeld([{ where: 'export', text: exported }], identifiers(erased.person))).toEqual(
      [
        erased.person.name,
        erased.person.email,
        erased.person.school,
        ...Object.values(erased.person.interim),
        ...Object.values(erased.person.framework),
        erased.person.feedback,
        erased.person.file,
        erased.person.offer,
      ].map((value) => `${value} in export`),
    );
    // Their senior leader and the cohort lead are other people: named only by role.
    expect(exported).toContain('their senior leader');
    expect(exported).not.toContain(testCohortLeadName);
    expect(whereHeld([{ where: 'export', text: exported }], identifiers(kept.person))).toEqual([]);
    expect(exported).toContain(`certificates/${erased.code}.pdf`);
  });

  it("by a senior leader's address: their details and commitment for each participant they were asked to support, of the participant only ids", async () => {
    const { erased } = journeys;
    const exported = (await system.admin({
      command: 'export-person',
      email: erased.person.leader.email,
    })) as {
      asParticipant: unknown[];
      asSeniorLeader: { participantId: string; commitment: { signedBy: string } }[];
    };
    expect(exported.asParticipant).toEqual([]);
    expect(exported.asSeniorLeader).toMatchObject([
      { participantId: erased.participantId, commitment: { signedBy: erased.person.leader.name } },
    ]);
    const text = JSON.stringify(exported);
    for (const value of [
      erased.person.name,
      erased.person.email,
      erased.person.school,
      erased.person.interim.plan,
    ])
      expect(text).not.toContain(value);
  });

  it("by a participant's address: the same as by their id", async () => {
    const { erased } = journeys;
    const byEmail = (await system.admin({
      command: 'export-person',
      email: erased.person.email.toUpperCase(),
    })) as { asParticipant: unknown[] };
    const byId = (await system.admin({ command: 'export-person', participantId: erased.participantId })) as {
      asParticipant: unknown[];
    };
    expect(byEmail.asParticipant).toEqual(byId.asParticipant);
  });
});

const testCohortLeadName = 'Casey Lead';

describe('erase-person', () => {
  let anonymousId = '';
  let emailsBefore = 0;

  beforeAll(async () => {
    const { erased } = journeys;
    await waitForState(system, (await accreditedYearsArn(erased.participantId)) ?? '', 'Accredited');
    emailsBefore = (await mailbox(system).all()).length;
    // A failure part-way (the last step) leaves the rest for a retry to finish.
    const remove = system.dependencies.store.participants.remove.bind(system.dependencies.store.participants);
    const failOnce = vi
      .spyOn(system.dependencies.store.participants, 'remove')
      .mockRejectedValueOnce(new Error('Throttled'))
      .mockImplementation(remove);
    await expect(
      system.admin({ command: 'erase-person', participantId: erased.participantId }),
    ).rejects.toThrow('Throttled');
    const retried = (await system.admin({
      command: 'erase-person',
      participantId: erased.participantId,
    })) as { erased: { anonymousId: string }[]; seniorLeaderErasedFrom: string[] };
    failOnce.mockRestore();
    expect(retried).toMatchObject({
      erased: [{ participantId: erased.participantId }],
      seniorLeaderErasedFrom: [],
    });
    anonymousId = retried.erased[0]?.anonymousId ?? '';
  }, 60_000);

  it('leaves none of their identifiers anywhere the system keeps data, and all of the other person’s', async () => {
    const held = await everythingHeld(system);
    expect(whereHeld(held, identifiers(journeys.erased.person))).toEqual([]);
    const kept = whereHeld(held, identifiers(journeys.kept.person));
    for (const value of identifiers(journeys.kept.person))
      expect(
        kept.some((k) => k.startsWith(`${value} in`)),
        value,
      ).toBe(true);
    expect(inReplayPage(held, journeys.kept.person.name)).toBe(true);
    expect(held.map((h) => h.where)).toContain(`s3 certificates/${journeys.kept.code}.pdf`);
    expect(held.map((h) => h.where)).not.toContain(`s3 certificates/${journeys.erased.code}.pdf`);
    // Nor their participant id: only the executions Step Functions keeps (by name) hold it.
    expect(
      held
        .filter((h) => h.text.includes(journeys.erased.participantId))
        .every((h) => h.where.startsWith('execution ')),
    ).toBe(true);
  });

  it('stopped their execution; the other person’s carries on', async () => {
    const executions = system.stepFunctions.listExecutions();
    const of = (id: string) => executions.filter((e) => e.name.startsWith(id));
    expect(of(journeys.erased.participantId).filter((e) => e.status === 'RUNNING')).toEqual([]);
    expect(of(journeys.erased.participantId).map((e) => e.status)).toContain('ABORTED');
    expect(of(journeys.kept.participantId).filter((e) => e.status === 'RUNNING')).toHaveLength(1);
  });

  it('keeps an anonymous record in the cohort, with outcomes and dates for reporting', async () => {
    const anonymous = (await system.dependencies.store.participants.get(anonymousId)) as Participant;
    expect(anonymous).toMatchObject({
      cohortId,
      stage: 'withdrawn',
      person: { name: 'Erased' },
      school: 'Erased',
      progress: {
        'day-1': { outcome: 'attended' },
        'interim-task': { outcome: 'submitted', answers: {} },
        assessment: { outcome: 'accredited' },
      },
    });
    expect(anonymous.accreditation?.accreditedAt).toBeDefined();
    expect(
      (await system.dependencies.store.participants.inCohort(cohortId)).map((p) => p.participantId).sort(),
    ).toEqual([anonymousId, journeys.kept.participantId].sort());
    expect(await system.dependencies.store.participants.get(journeys.erased.participantId)).toBeUndefined();
  });

  it("their certificate's verify page says it cannot be shown; the other's still verifies", async () => {
    const erased = await fetch(`${system.urls.app}/certificates/${journeys.erased.code}/verify`);
    expect(erased.status).toBe(410);
    const page = await erased.text();
    expect(page).toContain('This certificate cannot be shown');
    expect(page).not.toContain(journeys.erased.person.name);
    expect((await fetch(`${system.urls.app}/certificates/${journeys.erased.code}`)).status).toBe(410);
    const kept = await fetch(`${system.urls.app}/certificates/${journeys.kept.code}/verify`);
    expect(kept.status).toBe(200);
    expect(await kept.text()).toContain(journeys.kept.person.name);
    const directory = await (await fetch(`${system.urls.app}/directory.json`)).text();
    expect(directory).toContain(journeys.kept.person.name);
    expect(directory).not.toContain(journeys.erased.person.name);
  });

  it('nothing more is emailed to or about them, while the other lead is asked for their termly report', async () => {
    const kept = await system.dependencies.store.participants.get(journeys.kept.participantId);
    const [firstTerm] = termlyReports(
      new Date(kept?.accreditation?.accreditedAt ?? ''),
      accreditedYearsPlan().termlyFeedback,
    );
    advanceToInstant(system, firstTerm?.asksAt ?? new Date());
    await parkedIn(system, journeys.kept.participantId, 'AtTermlyFeedback');
    const since = (await mailbox(system).all()).slice(emailsBefore);
    expect(since.some((e) => e.destination.to.includes(journeys.kept.person.email))).toBe(true);
    expect(
      whereHeld(
        since.map((e) => ({ where: e.subject, text: JSON.stringify(e) })),
        identifiers(journeys.erased.person),
      ),
    ).toEqual([]);
  });

  it('run again, says there is nobody of that id; run on the anonymous record, says what it is', async () => {
    await expect(system.admin({ command: 'erase-person', participantId: anonymousId })).rejects.toMatchObject(
      {
        message: `Participant ${anonymousId} is the anonymous record of an erased participant`,
      },
    );
    await expect(
      system.admin({ command: 'erase-person', participantId: journeys.erased.participantId }),
    ).rejects.toMatchObject({
      name: 'AdminCommandRejected',
      message: `No participant "${journeys.erased.participantId}" (never enrolled, or erased already)`,
    });
  });
});

async function accreditedYearsArn(participantId: string) {
  return system.stepFunctions.listExecutions().find((e) => e.name === `${participantId}-accredited-1`)
    ?.executionArn;
}

describe("erase-person by a senior leader's address", () => {
  const leader = { name: 'Olwen Baptiste', email: 'olwen.baptiste@ysgol.test', role: 'Pennaeth' };
  const participant = { name: 'Rhodri Evans', email: 'rhodri@ysgol.test', school: 'Ysgol y Bryn' };
  let signedFor = { participantId: '', executionArn: '' };

  beforeAll(async () => {
    await programmeCohort(system, 'gdpr-later-cohort', 30);
    signedFor = (await system.admin({
      command: 'enrol-participant',
      cohortId: 'gdpr-later-cohort',
      participant: { name: participant.name, email: participant.email },
      school: participant.school,
      seniorLeader: leader,
    })) as typeof signedFor;
    const ask = await mailbox(system).waitForEmail(leader.email, /^Please confirm your support/);
    await waitForState(system, signedFor.executionArn, 'AwaitCommitment');
    const signed = await post(linkIn(ask), {
      decision: 'signed',
      signedBy: leader.name,
      role: leader.role,
      agree: 'yes',
    });
    expect(signed.status, signed.page).toBe(200);
    await waitForState(system, signedFor.executionArn, 'AtDevelopmentDay');
  }, 60_000);

  it('is refused while a participant still waits for their commitment, naming the participant by id', async () => {
    const waiting = (await system.admin({
      command: 'enrol-participant',
      cohortId: 'gdpr-later-cohort',
      participant: { name: 'Siân Roberts', email: 'sian@ysgol.test' },
      school: participant.school,
      seniorLeader: { name: 'Iolo Morgan', email: 'iolo@ysgol.test' },
    })) as typeof signedFor;
    await waitForState(system, waiting.executionArn, 'AwaitCommitment');
    await expect(system.admin({ command: 'erase-person', email: 'iolo@ysgol.test' })).rejects.toMatchObject({
      name: 'AdminCommandRejected',
      message: `Participant ${waiting.participantId} still waits for this senior leader's commitment: correct-email to another senior leader, or withdraw the participant, first`,
    });
    expect((await system.dependencies.store.participants.get(waiting.participantId))?.seniorLeader.name).toBe(
      'Iolo Morgan',
    );
  });

  it('erases them from the record, the commitment and its ask, and leaves the participant on the programme', async () => {
    expect(await system.admin({ command: 'erase-person', email: leader.email })).toEqual({
      command: 'erase-person',
      erased: [],
      seniorLeaderErasedFrom: [signedFor.participantId],
    });
    const held = await everythingHeld(system);
    expect(whereHeld(held, [leader.name, leader.email, leader.role])).toEqual([]);
    for (const value of Object.values(participant))
      expect(whereHeld(held, [value]).length, value).toBeGreaterThan(0);
    const record = await system.dependencies.store.participants.get(signedFor.participantId);
    expect(record).toMatchObject({
      stage: 'in-programme',
      commitment: { decision: 'signed', signedBy: 'Erased' },
    });
    expect(system.stepFunctions.describeExecution(signedFor.executionArn).status).toBe('RUNNING');
  });
});
