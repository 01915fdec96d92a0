import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Participant, type Stage } from '../../functions/domain/participant.js';
import { newRequest, type Request } from '../../functions/domain/request.js';
import { DAY, formatLondon, londonTime } from '../../functions/domain/time.js';
import { assessmentForm } from '../../functions/forms/assessment-form.js';
import { attendanceForm } from '../../functions/forms/attendance-form.js';
import { feedbackForm } from '../../functions/forms/feedback-form.js';
import type { FormValues, RequestForm } from '../../functions/forms/form.js';
import { readFormBody } from '../../functions/forms/forms-handler.js';
import { submissionForm } from '../../functions/forms/submission-form.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { startTestSystem, testCohort } from '../support/local-system.js';

/**
 * The programme-step forms' show and answer, called directly against the real local store: what the
 * forms handler does once it has found an open request behind a link.
 */
const SCRIPT = '<script>alert("x")</script>';
const ESCAPED_SCRIPT = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';
const evidence = { ipAddress: '127.0.0.1', userAgent: 'vitest' };
const lead = testCohort.cohortLead;

let system: LocalSystem;
const store = () => system.dependencies.store;
const deps = () => system.dependencies;

beforeAll(async () => {
  system = await startTestSystem();
  await system.admin({ command: 'create-cohort', cohort: testCohort });
});
afterAll(() => system.stop());

let counter = 0;
async function participant(
  { name = 'Asha Patel', school = 'Hillside Primary', stage = 'in-programme' as Stage, progress = {} } = {},
  cohortId = 'forms-cohort',
): Promise<Participant> {
  counter += 1;
  const created = Participant.parse({
    participantId: `p-forms-${counter}`,
    person: { name, email: `teacher-${counter}@school.test` },
    school,
    seniorLeader: { name: 'Sam Okafor', email: `head-${counter}@school.test`, role: 'Head teacher' },
    programmeId: 'ncetm-pd-lead',
    pathway: 'primary',
    cohortId,
    stage,
    enrolledAt: system.clock.now().toISOString(),
    progress,
  });
  await store().participants.create(created);
  return created;
}

async function request(subject: Omit<Parameters<typeof newRequest>[0], 'requestId'>): Promise<Request> {
  counter += 1;
  const created = newRequest(
    { requestId: `forms-request-${counter}`, ...subject },
    { reminderAfterDays: [], expiresAfterDays: 14 },
    system.clock.now(),
  );
  await store().requests.create(created);
  return created;
}

/**
 * An open request about one of `p`'s steps, as the workflow would make it: to the participant themself
 * (a submission) unless `recipient` says who else is asked (the cohort lead).
 */
const stepRequest = (
  p: Participant,
  kind: Request['kind'],
  stepId: string,
  { attempt, recipient = p.person }: { attempt?: number; recipient?: Request['recipient'] } = {},
) =>
  request({
    kind,
    participantId: p.participantId,
    stepId,
    ...(attempt === undefined ? {} : { attempt }),
    recipient,
  });

const answer = (form: RequestForm, req: Request, values: FormValues) =>
  form.answer(req, values, evidence, deps());
const progressOf = async (p: Participant) => (await store().participants.get(p.participantId))?.progress;
const statusOf = async (r: Request) => (await store().requests.get(r.requestId))?.status;
const textarea = (page: APIGatewayProxyResult, name: string) =>
  page.body.match(new RegExp(`<textarea id="${name}"[^>]*>\\n([\\s\\S]*?)</textarea>`))?.[1];

const submitted = (answers: Record<string, string>, attempt = 1) => ({
  outcome: 'submitted',
  attempt,
  submittedAt: '2027-03-01T10:00:00.000Z',
  answers,
});

describe('submission form', () => {
  const interim = (p: Participant) => stepRequest(p, 'submission', 'interim-task', { attempt: 1 });

  it('shows the brief, the deadline and one box per prompt', async () => {
    const req = await interim(await participant());
    const page = await submissionForm.show(req, deps());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Interim task</h1>');
    expect(page.body).toContain('Plan, carry out and evaluate work with a group of teachers');
    expect(page.body).toContain(`Please submit by ${formatLondon(new Date(req.expiresAt))}`);
    for (const name of ['plan', 'whatHappened', 'evaluation'])
      expect(page.body).toMatch(
        new RegExp(`<textarea id="${name}" name="${name}" rows="\\d+" maxlength="4000"`),
      );
    expect(page.body).toContain('<label for="whatHappened">What happened?</label>');
    expect(page.body).toContain(
      'The group, its aims and how it draws on development day 1. Up to 4,000 characters.',
    );
    expect(await submissionForm.fields(req, deps())).toEqual(['plan', 'whatHappened', 'evaluation']);
  });

  it('refuses missing and over-long answers, keeping everything typed', async () => {
    const p = await participant();
    const req = await interim(p);
    const page = await answer(submissionForm, req, {
      plan: 'x'.repeat(4001),
      whatHappened: '   ',
      evaluation: SCRIPT,
    });
    expect(page.statusCode).toBe(422);
    expect(page.body).toContain('<title>Error: Interim task</title>');
    expect(page.body).toContain('role="alert"');
    expect(page.body).toContain('<a href="#whatHappened">Answer &#39;What happened?&#39;</a>');
    expect(page.body).toContain(
      '<a href="#plan">Shorten your answer to &#39;What did you plan, and with which teachers?&#39; to 4,000 characters or fewer (it has 4,001)</a>',
    );
    expect(page.body).toContain('aria-describedby="plan-hint plan-error"');
    expect(textarea(page, 'plan')).toBe('x'.repeat(4001));
    expect(textarea(page, 'evaluation')).toBe(ESCAPED_SCRIPT);
    expect(page.body).not.toContain(SCRIPT);
    expect(await progressOf(p)).toEqual({});
    expect(await statusOf(req)).toBe('open');
  });

  it('records the answers once, trimmed, and closes the request', async () => {
    const p = await participant();
    const req = await interim(p);
    const values = { plan: '  Year 3 team\r\nweekly  ', whatHappened: 'It went well', evaluation: SCRIPT };
    const page = await answer(submissionForm, req, values);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('We have your answers for Interim task');
    expect((await progressOf(p))?.['interim-task']).toMatchObject({
      outcome: 'submitted',
      attempt: 1,
      answers: { plan: 'Year 3 team\nweekly', whatHappened: 'It went well', evaluation: SCRIPT },
    });
    const answered = await store().requests.get(req.requestId);
    expect(answered).toMatchObject({ status: 'answered', answer: { answeredBy: 'Asha Patel' } });

    const again = await answer(submissionForm, req, { ...values, whatHappened: 'Changed my mind' });
    expect(again.statusCode).toBe(409);
    expect((await progressOf(p))?.['interim-task']).toMatchObject({
      answers: { whatHappened: 'It went well' },
    });
    expect((await submissionForm.alreadyAnswered(req, deps())).statusCode).toBe(409);
  });

  it('a resubmission shows the assessor feedback, starts from the last answers and replaces them', async () => {
    const first = { planning: 'First planning', evaluation: 'First evaluation', reflection: SCRIPT };
    const p = await participant({
      progress: {
        pdlperf: submitted(first),
        assessment: {
          outcome: 'resubmit',
          attempt: 1,
          decidedAt: '2027-05-20T10:00:00.000Z',
          decidedBy: lead.name,
          feedback: `Add evidence of impact ${SCRIPT}`,
          resubmitBy: '2027-07-01T17:00',
        },
      },
    });
    const req = await stepRequest(p, 'submission', 'pdlperf', { attempt: 2 });
    const page = await submissionForm.show(req, deps());
    expect(page.body).toContain('This is a resubmission');
    expect(page.body).toContain(`Add evidence of impact ${ESCAPED_SCRIPT}`);
    expect(page.body).toContain('maxlength="8000"');
    expect(textarea(page, 'planning')).toBe('First planning');
    expect(textarea(page, 'reflection')).toBe(ESCAPED_SCRIPT);
    expect(page.body).not.toContain(SCRIPT);

    const resubmitted = await answer(submissionForm, req, { ...first, evaluation: 'Now with impact' });
    expect(resubmitted.statusCode).toBe(200);
    expect(resubmitted.body).toContain('resubmission');
    expect((await progressOf(p))?.pdlperf).toMatchObject({
      attempt: 2,
      answers: { evaluation: 'Now with impact' },
    });
  });

  it('after the deadline, names the step', async () => {
    const req = await interim(await participant());
    const page = await submissionForm.expired(req, deps());
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('The deadline for Interim task has passed');
  });
});

describe('feedback form', () => {
  const interimAnswers = {
    plan: `Line one\nLine two ${SCRIPT}`,
    whatHappened: 'Sessions ran',
    evaluation: 'Surveys',
  };
  const feedbackRequest = (p: Participant) =>
    stepRequest(p, 'feedback', 'interim-feedback', { recipient: lead });

  it('shows the participant and their interim task answers, escaped', async () => {
    const p = await participant({
      school: `Oak & Ash ${SCRIPT}`,
      progress: { 'interim-task': submitted(interimAnswers) },
    });
    const page = await feedbackForm.show(await feedbackRequest(p), deps());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Feedback on Asha Patel&#39;s interim task</h1>');
    expect(page.body).toContain(`<strong>Asha Patel</strong>, Oak &amp; Ash ${ESCAPED_SCRIPT}`);
    expect(page.body).toContain('<h3>What did you plan, and with which teachers?</h3>');
    expect(page.body).toContain(`white-space:pre-wrap`);
    expect(page.body).toContain(`Line one\nLine two ${ESCAPED_SCRIPT}`);
    expect(page.body).not.toContain(SCRIPT);
    expect(page.body).toContain('<textarea id="feedback" name="feedback" rows="6" maxlength="4000"');
  });

  it('asks for feedback that is missing or too long, keeping what was typed', async () => {
    const p = await participant({ progress: { 'interim-task': submitted(interimAnswers) } });
    const req = await feedbackRequest(p);
    const missing = await answer(feedbackForm, req, { feedback: ' \r\n ' });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('<a href="#feedback">Write your feedback for Asha Patel</a>');
    const tooLong = await answer(feedbackForm, req, { feedback: `${SCRIPT}${'y'.repeat(4000)}` });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.body).toContain('Shorten your feedback to 4,000 characters or fewer (it has 4,027)');
    expect(textarea(tooLong, 'feedback')).toBe(`${ESCAPED_SCRIPT}${'y'.repeat(4000)}`);
    expect((await progressOf(p))?.['interim-feedback']).toBeUndefined();
  });

  it('records the feedback once and closes the request', async () => {
    const p = await participant({ progress: { 'interim-task': submitted(interimAnswers) } });
    const req = await feedbackRequest(p);
    const page = await answer(feedbackForm, req, { feedback: 'Strong plan.\nMeasure impact.' });
    expect(page.statusCode).toBe(200);
    expect((await progressOf(p))?.['interim-feedback']).toMatchObject({
      outcome: 'feedback-given',
      givenBy: lead.name,
      feedback: 'Strong plan.\nMeasure impact.',
    });
    expect(await statusOf(req)).toBe('answered');
    const again = await answer(feedbackForm, req, { feedback: 'Second thoughts' });
    expect(again.statusCode).toBe(409);
    expect((await progressOf(p))?.['interim-feedback']).toMatchObject({
      feedback: 'Strong plan.\nMeasure impact.',
    });
  });
});

describe('assessment form', () => {
  const framework = { planning: SCRIPT, evaluation: 'Evaluated', reflection: 'Reflected' };
  const dateIn = (days: number) =>
    new Date(system.clock.now().getTime() + days * DAY).toISOString().slice(0, 10);
  const assessmentRequest = (p: Participant, attempt = 1) =>
    stepRequest(p, 'assessment', 'assessment', { attempt, recipient: lead });
  const withFramework = () => participant({ progress: { pdlperf: submitted(framework) } });
  /** The lead's "resubmit" decision, as the form posts it. */
  const resubmitDecision = (feedback: string, resubmitBy: string) => ({
    decision: 'resubmit',
    feedback,
    resubmitBy,
  });

  it('shows the framework answers, escaped, and the three decisions', async () => {
    const page = await assessmentForm.show(await assessmentRequest(await withFramework()), deps());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      'Assess Asha Patel&#39;s Planning, Evaluation and Reflection Framework (PDLPERF)',
    );
    expect(page.body).toContain(`<h3>Planning</h3>`);
    expect(page.body).toContain(ESCAPED_SCRIPT);
    expect(page.body).not.toContain(SCRIPT);
    for (const decision of ['accredited', 'resubmit', 'not-accredited'])
      expect(page.body).toContain(`name="decision" value="${decision}"`);
    expect(page.body).toMatch(
      /<input type="date" id="resubmitBy" name="resubmitBy"[^>]* min="\d{4}-\d{2}-\d{2}"/,
    );
  });

  it('lists every problem at once and keeps what was typed', async () => {
    const p = await withFramework();
    const req = await assessmentRequest(p);
    const nothing = await answer(assessmentForm, req, {
      feedback: 'z'.repeat(4001),
      resubmitBy: '2027-06-30',
    });
    expect(nothing.statusCode).toBe(422);
    expect(nothing.body).toContain('<a href="#decision">Choose your decision</a>');
    expect(nothing.body).toContain('<a href="#feedback">Shorten your feedback to 4,000 characters');
    expect(nothing.body).toContain('value="2027-06-30"');

    const resubmit = await answer(assessmentForm, req, resubmitDecision('', dateIn(-1)));
    expect(resubmit.statusCode).toBe(422);
    expect(resubmit.body).toContain('Tell them what to improve before they resubmit');
    expect(resubmit.body).toContain('The resubmission date must be after today');
    expect(resubmit.body).toContain('value="resubmit" checked');

    const tooLate = await answer(assessmentForm, req, resubmitDecision('More', dateIn(200)));
    expect(tooLate.body).toContain('within 120 days');
    for (const notADate of ['2027-02-30', '2027-13-01', '30/06/2027']) {
      const page = await answer(assessmentForm, req, resubmitDecision('More', notADate));
      expect(page.statusCode).toBe(422);
      expect(page.body).toContain('Enter a real date');
      expect(page.body).toContain(`value="${notADate}"`);
    }
    const why = await answer(assessmentForm, req, { decision: 'not-accredited', feedback: ' ' });
    expect(why.body).toContain('Tell them why their framework is not accredited');

    expect((await progressOf(p))?.assessment).toBeUndefined();
    expect(await statusOf(req)).toBe('open');
  });

  it('records a resubmission with its deadline at 5 pm London time, once', async () => {
    const p = await withFramework();
    const req = await assessmentRequest(p);
    const resubmitBy = dateIn(30);
    const page = await answer(assessmentForm, req, resubmitDecision('Add impact', resubmitBy));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(formatLondon(londonTime(`${resubmitBy}T17:00`)));
    expect((await progressOf(p))?.assessment).toEqual({
      outcome: 'resubmit',
      attempt: 1,
      decidedAt: expect.any(String),
      decidedBy: lead.name,
      feedback: 'Add impact',
      resubmitBy: `${resubmitBy}T17:00`,
    });
    expect(await statusOf(req)).toBe('answered');
    const again = await answer(assessmentForm, req, { decision: 'accredited', feedback: '' });
    expect(again.statusCode).toBe(409);
    expect((await progressOf(p))?.assessment?.outcome).toBe('resubmit');
  });

  it('offers no second resubmission, and the final decision replaces the first', async () => {
    const p = await participant({
      progress: {
        pdlperf: submitted(framework, 2),
        assessment: {
          outcome: 'resubmit',
          attempt: 1,
          decidedAt: '2027-05-20T10:00:00.000Z',
          decidedBy: lead.name,
          feedback: 'Add impact',
          resubmitBy: '2027-07-01T17:00',
        },
      },
    });
    const req = await assessmentRequest(p, 2);
    const page = await assessmentForm.show(req, deps());
    expect(page.body).not.toContain('value="resubmit"');
    expect(page.body).not.toContain('id="resubmitBy"');
    expect(page.body).toContain('What you asked them to improve');

    const refused = await answer(assessmentForm, req, resubmitDecision('Again', dateIn(10)));
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('They cannot be asked to resubmit again');

    const accredited = await answer(assessmentForm, req, { decision: 'accredited', feedback: '' });
    expect(accredited.statusCode).toBe(200);
    expect((await progressOf(p))?.assessment).toMatchObject({ outcome: 'accredited', attempt: 2 });
    expect((await progressOf(p))?.assessment).not.toHaveProperty('feedback');
  });
});

describe('attendance form', () => {
  const cohortId = 'register-cohort';
  let ada: Participant;
  let ben: Participant;
  let req: Request;
  const field = (p: Participant) => `attendance-${p.participantId}`;

  beforeAll(async () => {
    await system.admin({ command: 'create-cohort', cohort: { ...testCohort, cohortId } });
    ben = await participant({ name: 'Ben Ahmed', school: `St Mary's ${SCRIPT}` }, cohortId);
    ada = await participant({ name: 'Ada Clarke', stage: 'ready-for-development-days' }, cohortId);
    await participant({ name: 'Wendy Withdrawn', stage: 'withdrawn' }, cohortId);
    await participant({ name: 'Nina Notyet', stage: 'awaiting-commitment' }, cohortId);
    req = await request({ kind: 'attendance', cohortId, stepId: 'day-1', recipient: lead });
  });

  it('shows the whole cohort taking part, with the day and venue', async () => {
    const page = await attendanceForm.show(req, deps());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Attendance: Development day 1</h1>');
    const day = testCohort.schedule['day-1'];
    expect(page.body).toContain(
      `from ${formatLondon(londonTime(day.starts))} to ${formatLondon(londonTime(day.ends))}`,
    );
    expect(page.body).toContain('Leeds Conference Centre');
    expect(page.body).toContain(`<legend>Ben Ahmed, St Mary&#39;s ${ESCAPED_SCRIPT}</legend>`);
    expect(page.body).not.toContain(SCRIPT);
    expect(page.body.indexOf('Ada Clarke')).toBeLessThan(page.body.indexOf('Ben Ahmed'));
    expect(page.body).not.toContain('Wendy Withdrawn');
    expect(page.body).not.toContain('Nina Notyet');
    expect(page.body).toContain(`<fieldset id="${field(ada)}"`);
    expect(await attendanceForm.fields(req, deps())).toEqual({ startingWith: 'attendance-' });
  });

  it("reads a register's post without reading the register: its fields, the first of each, nothing else", () => {
    const body = `${field(ada)}=attended&school=x&${field(ben)}=absent&${field(ada)}=absent`;
    expect(readFormBody(body, { startingWith: 'attendance-' })).toEqual({
      [field(ada)]: 'attended',
      [field(ben)]: 'absent',
    });
  });

  it('needs a choice for everyone, keeping the choices made', async () => {
    const page = await answer(attendanceForm, req, { [field(ben)]: 'absent', [field(ada)]: 'maybe' });
    expect(page.statusCode).toBe(422);
    expect(page.body).toContain('<title>Error: Attendance: Development day 1</title>');
    expect(page.body).toContain(`<a href="#${field(ada)}">Choose Attended or Absent for Ada Clarke</a>`);
    expect(page.body).not.toContain('for Ben Ahmed</a>');
    expect(page.body).toContain(`id="${field(ben)}-absent" name="${field(ben)}" value="absent" checked`);
    expect(await progressOf(ada)).toEqual({});
    expect(await progressOf(ben)).toEqual({});
  });

  it('records everyone once, and a second register changes nothing', async () => {
    const page = await answer(attendanceForm, req, { [field(ben)]: 'absent', [field(ada)]: 'attended' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('You recorded 1 attended and 1 absent for Development day 1.');
    expect(page.body).toContain('We will tell the programme team who was absent');
    expect((await progressOf(ada))?.['day-1']).toMatchObject({ outcome: 'attended', recordedBy: lead.name });
    expect((await progressOf(ben))?.['day-1']).toMatchObject({ outcome: 'absent', recordedBy: lead.name });
    expect(await store().requests.get(req.requestId)).toMatchObject({
      status: 'answered',
      answer: { answeredBy: lead.name },
    });

    const again = await answer(attendanceForm, req, { [field(ben)]: 'attended', [field(ada)]: 'absent' });
    expect(again.statusCode).toBe(409);
    expect(
      await store().participants.recordStepOutcome(ben.participantId, 'day-1', {
        outcome: 'attended',
        recordedAt: system.clock.now().toISOString(),
        recordedBy: lead.name,
      }),
    ).toBe(false);
    expect((await progressOf(ben))?.['day-1']?.outcome).toBe('absent');
  });
});
