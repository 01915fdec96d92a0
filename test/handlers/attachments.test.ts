import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Attachment, Participant } from '../../functions/domain/participant.js';
import { newRequest, type Request } from '../../functions/domain/request.js';
import { formsHandler } from '../../functions/forms/forms-handler.js';
import { mintLink } from '../../functions/lifecycle/asks.js';
import { FILE_KINDS, MAX_UPLOAD_BYTES, UPLOAD_FORM_SECONDS } from '../../functions/shared/uploads.js';
import { lambdaContext } from '../../infra/local/lambda-context.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { startTestSystem } from '../support/local-system.js';

/**
 * Files attached to a submission, end to end over HTTP against the local system: the submission page's
 * upload forms post straight to the local S3 (a real server that checks the presigned POST's policy and
 * signature as S3 does), S3 sends the browser back to the page, sending the answers records the checked
 * files, and the cohort lead downloads them from their page through short-lived links.
 */
let system: LocalSystem;
const store = () => system.dependencies.store;
const FILENAME = `\${filename}`;

beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system?.stop());

let counter = 0;
async function participant(progress: Record<string, unknown> = {}): Promise<Participant> {
  counter += 1;
  const created = Participant.parse({
    participantId: `p-files-${counter}`,
    person: { name: 'Asha Patel', email: `files-${counter}@school.test` },
    school: 'Hillside Primary',
    seniorLeader: { name: 'Sam Okafor', email: `head-files-${counter}@school.test`, role: 'Head teacher' },
    programmeId: 'ncetm-pd-lead',
    pathway: 'primary',
    cohortId: 'files-cohort',
    stage: 'in-programme',
    enrolledAt: system.clock.now().toISOString(),
    progress,
  });
  await store().participants.create(created);
  return created;
}

/** A request with an emailed link, as the lifecycle makes them: returns the request and the link. */
async function requestWithLink(
  subject: Omit<Parameters<typeof newRequest>[0], 'requestId'>,
): Promise<{ request: Request; link: string }> {
  counter += 1;
  const request = newRequest(
    { requestId: `${subject.stepId}#1-files-${counter}`, ...subject },
    { reminderAfterDays: [], expiresAfterDays: 14 },
    system.clock.now(),
  );
  await store().requests.create(request);
  return { request, link: await mintLink(request, request.recipient.email, system.dependencies) };
}

const htmlDecode = (text: string) =>
  text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

interface PageUploadForm {
  action: string;
  enctype: string;
  /** The hidden fields, in page order. */
  fields: [string, string][];
  fileInput: { name: string; id: string; accept: string };
}

/** Every multipart form on a page, as a browser would read it. */
function uploadFormsIn(page: string): PageUploadForm[] {
  return [...page.matchAll(/<form method="post" action="([^"]+)" enctype="([^"]+)">([\s\S]*?)<\/form>/g)].map(
    ([, action = '', enctype = '', inner = '']) => {
      const file = /<input type="file" id="([^"]+)" name="([^"]+)" accept="([^"]+)"/.exec(inner);
      return {
        action: htmlDecode(action),
        enctype,
        fields: [...inner.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(
          ([, name = '', value = '']) => [htmlDecode(name), htmlDecode(value)] as [string, string],
        ),
        fileInput: { id: file?.[1] ?? '', name: file?.[2] ?? '', accept: file?.[3] ?? '' },
      };
    },
  );
}

const formFor = (forms: PageUploadForm[], kind: string) => {
  const found = forms.find((f) => f.fileInput.id === `file-${kind}`);
  if (!found) throw new Error(`No upload form for ${kind}`);
  return found;
};

/** What a browser posts for an upload form: its fields in order, then the chosen file. */
async function upload(form: PageUploadForm, file: { name: string; bytes: Uint8Array }, change = {}) {
  const body = new FormData();
  for (const [name, value] of Object.entries({ ...Object.fromEntries(form.fields), ...change }))
    body.append(name, value);
  body.append(form.fileInput.name, new Blob([file.bytes]), file.name);
  const response = await fetch(form.action, { method: 'POST', body, redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), body: await response.text() };
}

const get = async (url: string) => {
  const response = await fetch(url);
  return {
    status: response.status,
    page: await response.text(),
    csp: response.headers.get('content-security-policy'),
  };
};

const bytes = (text: string, size = text.length) => {
  const out = new Uint8Array(size);
  out.set(new TextEncoder().encode(text));
  return out;
};
const pdf = { name: 'Plan & evaluation.pdf', bytes: bytes('%PDF-1.7\n% our plan\n', 3000) };

const progressOf = async (p: Participant) => (await store().participants.get(p.participantId))?.progress;

/** A first framework submission that carried `file`. */
const frameworkSentWith = (file: unknown) => ({
  outcome: 'submitted',
  attempt: 1,
  submittedAt: '2027-05-01T10:00:00.000Z',
  answers: { planning: 'P', evaluation: 'E', reflection: 'R' },
  attachments: [file],
});

describe('files attached to a task submission', () => {
  let asha: Participant;
  let submission: { request: Request; link: string };
  let recorded: Attachment[];

  beforeAll(async () => {
    asha = await participant();
    submission = await requestWithLink({
      kind: 'submission',
      participantId: asha.participantId,
      stepId: 'interim-task',
      attempt: 1,
      recipient: asha.person,
    });
  });

  it('the submission page offers, above the answers, an upload form posting straight to S3 with a signed policy, for each kind of file', async () => {
    const { status, page, csp } = await get(submission.link);
    expect(status).toBe(200);
    expect(page).toContain('<h2 id="add-file">Add a file (optional)</h2>');
    expect(page).toContain('You have not added any files.');
    expect(page.indexOf('Add a file (optional)')).toBeLessThan(
      page.indexOf('<form method="post" novalidate>'),
    );
    // A PDF at first; links to the others, each of which shows only a page.
    expect(uploadFormsIn(page).map((f) => f.fileInput.id)).toEqual(['file-pdf']);
    expect(page).toContain('Not a PDF? Add <a href="?kind=docx#add-file">a Word document (.docx)</a>, ');
    expect(page).toContain(' or <a href="?kind=jpeg#add-file">a JPEG image</a> instead.');
    // The page may post to S3 as well as to itself; the lead's pages only to themselves (below).
    expect(csp).toContain(`form-action 'self' ${system.urls.s3};`);

    for (const kind of FILE_KINDS) {
      const [form, ...others] = uploadFormsIn((await get(`${submission.link}?kind=${kind.id}`)).page);
      expect(others).toEqual([]);
      // Path style, as the local S3 client is configured: the local S3's address, then the bucket.
      expect(form?.action).toBe(`${system.urls.s3}/pd-accreditation-uploads`);
      expect(form?.enctype).toBe('multipart/form-data');
      expect(form?.fileInput).toEqual({ id: `file-${kind.id}`, name: 'file', accept: kind.accept });
      const fields = Object.fromEntries(form?.fields ?? []);
      expect(fields['Content-Type']).toBe(kind.contentType);
      expect(fields.success_action_redirect).toBe(submission.link);
      expect(fields.key).toMatch(
        new RegExp(`^uploads/${submission.request.requestId}/[A-Za-z0-9_-]{12}/\\$\\{filename\\}$`),
      );
      expect(fields['X-Amz-Algorithm']).toBe('AWS4-HMAC-SHA256');
      expect(fields['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
      const policy = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8'));
      expect(Date.parse(policy.expiration)).toBeGreaterThan(Date.now());
      // Minutes, not an hour: a copied form is soon useless.
      expect(UPLOAD_FORM_SECONDS).toBe(15 * 60);
      expect(Date.parse(policy.expiration)).toBeLessThanOrEqual(Date.now() + UPLOAD_FORM_SECONDS * 1000);
      expect(policy.conditions).toEqual(
        expect.arrayContaining([
          ['content-length-range', 1, MAX_UPLOAD_BYTES],
          { 'Content-Type': kind.contentType },
          { success_action_redirect: submission.link },
          { bucket: 'pd-accreditation-uploads' },
          ['starts-with', '$key', (fields.key ?? '').replace(FILENAME, '')],
        ]),
      );
    }
  });

  it('a request whose Host and X-Forwarded-* headers name another site still gets the page, and S3 sends the browser back, on the configured forms URL', async () => {
    const secret = new URL(submission.link).pathname.split('/').pop() ?? '';
    const hostile = 'evil.example';
    const request = (httpMethod: string, body: string | null) =>
      ({
        httpMethod,
        path: `/r/${secret}`,
        resource: '/r/{secret}',
        pathParameters: { secret },
        queryStringParameters: null,
        headers: {
          host: hostile,
          'x-forwarded-host': hostile,
          'x-forwarded-proto': 'http',
          'x-forwarded-port': '8080',
          forwarded: `host=${hostile};proto=http`,
        },
        multiValueHeaders: {},
        body,
        isBase64Encoded: false,
        requestContext: {
          domainName: hostile,
          path: `/elsewhere/r/${secret}`,
          identity: { sourceIp: '192.0.2.7' },
        },
      }) as unknown as APIGatewayProxyEvent;
    const forms = formsHandler(() => system.dependencies);
    expect(submission.link.startsWith(system.urls.forms)).toBe(true);
    // Shown (GET), and shown again with its errors (a POST of no answers): both carry upload forms.
    for (const [method, body] of [
      ['GET', null],
      ['POST', ''],
    ] as const) {
      const result = await forms(request(method, body), lambdaContext('Forms'));
      const [form] = uploadFormsIn(result.body);
      expect(Object.fromEntries(form?.fields ?? []).success_action_redirect, method).toBe(submission.link);
      expect(result.body, method).not.toContain(hostile);
    }
  });

  it('a file posted with exactly the fields the page gives is stored, and S3 sends the browser back to the page, which lists it', async () => {
    const forms = uploadFormsIn((await get(submission.link)).page);
    const sent = await upload(formFor(forms, 'pdf'), pdf);
    expect(sent.status, sent.body).toBe(303);
    const back = new URL(sent.location ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(submission.link);
    expect(back.searchParams.get('bucket')).toBe('pd-accreditation-uploads');
    expect(back.searchParams.get('key')).toMatch(
      new RegExp(`^uploads/${submission.request.requestId}/[^/]+/Plan & evaluation\\.pdf$`),
    );

    const { status, page } = await get(back.href);
    expect(status).toBe(200);
    expect(page).toContain('<strong>Plan &amp; evaluation.pdf is uploaded.</strong>');
    expect(page).toContain('<h3>Files you have added</h3><ul><li>Plan &amp; evaluation.pdf (3 KB)</li></ul>');
    // Only a key S3 really holds for this request is announced.
    const forged = await get(`${submission.link}?key=uploads/other-request/x/Forged.pdf`);
    expect(forged.page).not.toContain('is uploaded');
  });

  it('S3 itself refuses, by the policy, a file of another type, one over 10 MB, an empty one and one aimed at another request: none appears', async () => {
    const pdfForm = formFor(uploadFormsIn((await get(submission.link)).page), 'pdf');
    expect(pdfForm.fileInput.id).toBe('file-pdf');
    const html = { name: 'page.html', bytes: bytes('<html><body>hello</body></html>') };

    const otherType = await upload(pdfForm, html, { 'Content-Type': 'text/html' });
    expect(otherType.status).toBe(403);
    expect(otherType.body).toContain('<Code>AccessDenied</Code>');
    expect(otherType.body).toContain('Policy Condition failed');

    const tooBig = await upload(pdfForm, {
      name: 'huge.pdf',
      bytes: bytes('%PDF-1.7', MAX_UPLOAD_BYTES + 1),
    });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body).toContain('<Code>EntityTooLarge</Code>');

    const empty = await upload(pdfForm, { name: 'empty.pdf', bytes: new Uint8Array() });
    expect(empty.status).toBe(400);
    expect(empty.body).toContain('<Code>EntityTooSmall</Code>');

    const elsewhere = await upload(pdfForm, pdf, { key: `uploads/someone-else/x/${FILENAME}` });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body).toContain('Policy Condition failed');

    const unsigned = await upload(pdfForm, pdf, { 'X-Amz-Signature': '0'.repeat(64) });
    expect(unsigned.status).toBe(403);
    expect(unsigned.body).toContain('<Code>SignatureDoesNotMatch</Code>');

    const { page } = await get(submission.link);
    expect(page).toContain('<ul><li>Plan &amp; evaluation.pdf (3 KB)</li></ul>');
    for (const name of ['page.html', 'huge.pdf', 'empty.pdf']) expect(page).not.toContain(name);
  });

  it('sending the answers records each file as S3 stored it, after checking its type, size and first bytes', async () => {
    // Declared a PNG, which S3's policy allows, but not one: the check on sending leaves it out.
    const pngForm = formFor(uploadFormsIn((await get(`${submission.link}?kind=png`)).page), 'png');
    const fake = await upload(pngForm, {
      name: 'not-a-picture.png',
      bytes: bytes('<script>alert(1)</script>'),
    });
    expect(fake.status).toBe(303);
    // A real PDF whose name reads backwards from where U+202E sits: "invoice‮fdp.exe" shows as "invoiceexe.pdf".
    const pdfForm = formFor(uploadFormsIn((await get(submission.link)).page), 'pdf');
    const disguised = await upload(pdfForm, { ...pdf, name: 'invoice\u202Efdp.exe' });
    expect(disguised.status).toBe(303);

    const response = await fetch(submission.link, {
      method: 'POST',
      body: new URLSearchParams({ plan: 'Year 3 team', whatHappened: 'It went well', evaluation: 'Good' }),
    });
    const page = await response.text();
    expect(response.status, page).toBe(200);
    expect(page).toContain('We have your answers and your file (Plan &amp; evaluation.pdf) for Interim task');
    const notIncluded = page.match(/We could not include ([^:]*):/)?.[1]?.split(', ');
    expect(notIncluded?.sort()).toEqual(['invoice\u202Efdp.exe', 'not-a-picture.png']);
    expect(page).toContain('named without invisible or text-direction characters');

    const recordedSubmission = (await progressOf(asha))?.['interim-task'];
    expect(recordedSubmission).toMatchObject({
      outcome: 'submitted',
      answers: { plan: 'Year 3 team', whatHappened: 'It went well', evaluation: 'Good' },
    });
    recorded = (recordedSubmission as { attachments: Attachment[] }).attachments;
    expect(recorded).toEqual([
      {
        key: expect.stringMatching(
          new RegExp(`^uploads/${submission.request.requestId}/[^/]+/Plan & evaluation\\.pdf$`),
        ),
        name: 'Plan & evaluation.pdf',
        contentType: 'application/pdf',
        bytes: 3000,
      },
    ]);
  });

  it("the cohort lead's feedback page lists the file, with a short-lived link that downloads it", async () => {
    const feedback = await requestWithLink({
      kind: 'feedback',
      participantId: asha.participantId,
      stepId: 'interim-feedback',
      recipient: { name: 'Casey Lead', email: 'cohort-lead@hub.test' },
    });
    const { status, page, csp } = await get(feedback.link);
    expect(status).toBe(200);
    expect(csp).toContain("form-action 'self';");
    const listed =
      /<h3>Files<\/h3>\n<ul><li><a href="([^"]+)">Plan &amp; evaluation\.pdf<\/a> \(3 KB\)<\/li><\/ul>/.exec(
        page,
      );
    expect(listed, page).not.toBeNull();
    const url = new URL(htmlDecode(listed?.[1] ?? ''));
    expect(url.origin).toBe(system.urls.s3);
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(15 * 60);

    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(pdf.bytes);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="Plan & evaluation.pdf"; filename*=UTF-8''Plan%20%26%20evaluation.pdf`,
    );

    // The link is good for that file only, and only unaltered.
    const altered = new URL(url);
    altered.pathname = altered.pathname.replace('Plan', 'Plans');
    expect((await fetch(altered)).status).toBe(403);
    expect((await fetch(`${system.urls.s3}/pd-accreditation-uploads/${recorded[0]?.key}`)).status).toBe(403);
  });

  it("the assessor's page lists a framework submission's files the same way", async () => {
    const [file] = recorded;
    const framework = await participant({
      pdlperf: frameworkSentWith(file),
    });
    const assessment = await requestWithLink({
      kind: 'assessment',
      participantId: framework.participantId,
      stepId: 'assessment',
      attempt: 1,
      recipient: { name: 'Casey Lead', email: 'cohort-lead@hub.test' },
    });
    const { status, page } = await get(assessment.link);
    expect(status).toBe(200);
    const href = /<a href="([^"]+)">Plan &amp; evaluation\.pdf<\/a> \(3 KB\)/.exec(page)?.[1];
    expect(href, page).toBeDefined();
    const download = await fetch(htmlDecode(href ?? ''));
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBe(3000);
  });
  it('a resubmission starts with no files, and says those sent last time are not carried over', async () => {
    const [file] = recorded;
    const again = await participant({
      pdlperf: frameworkSentWith(file),
      assessment: {
        outcome: 'resubmit',
        attempt: 1,
        decidedAt: '2027-05-20T10:00:00.000Z',
        decidedBy: 'Casey Lead',
        feedback: 'Add evidence',
        resubmitBy: '2027-07-01T17:00',
      },
    });
    const resubmission = await requestWithLink({
      kind: 'submission',
      participantId: again.participantId,
      stepId: 'pdlperf',
      attempt: 2,
      recipient: again.person,
    });
    const { status, page } = await get(resubmission.link);
    expect(status).toBe(200);
    expect(page).toContain('You have not added any files.');
    expect(page).toContain(
      'Files you sent last time (Plan &amp; evaluation.pdf) are not carried over: add again any you want your assessor to see.',
    );
  });
});
