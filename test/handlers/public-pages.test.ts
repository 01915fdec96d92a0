import { createHash } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { certificateStore, issueCertificate } from '../../functions/accreditation/certificate-store.js';
import { offerDirectoryEntry } from '../../functions/accreditation/directory.js';
import { newVerificationCode } from '../../functions/domain/directory.js';
import { Participant } from '../../functions/domain/participant.js';
import { programmeById } from '../../functions/programmes/index.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { startTestSystem, testCohort } from '../support/local-system.js';

/**
 * The public pages (certificates, their verification, the directory) and the directory-entry form,
 * over HTTP against the whole local system, as a browser reaches them.
 */
const SCRIPT = '<script>alert("x")</script>';
const accreditedAt = '2027-07-01T09:00:00.000Z';

let system: LocalSystem;
const store = () => system.dependencies.store;
const url = (path: string) => `${system.urls.app}${path}`;
/** The local S3 as any other client with the local key reaches it, to look at the bucket directly. */
const BUCKET = 'pd-accreditation-uploads';
let bucket: S3Client;

beforeAll(async () => {
  system = await startTestSystem();
  bucket = new S3Client({
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    endpoint: system.urls.s3,
    forcePathStyle: true,
  });
  await system.admin({ command: 'create-cohort', cohort: testCohort });
});
afterAll(() => system.stop());

/** The certificate kept in S3 under a code, as the Public function reads it. */
const issued = (code: string) => certificateStore(system.dependencies).issuedCertificate(code);
const programme = programmeById('ncetm-pd-lead');

let counter = 0;
/**
 * An accredited lead, findable by their certificate's code and with the certificate issued into S3, as
 * finish() leaves them; `issued: false` stops before the certificate is kept.
 */
async function accreditedLead(
  name = 'Asha Patel',
  { accredited = true, issued = true, verificationCode = newVerificationCode() } = {},
) {
  counter += 1;
  const participantId = `p-public-${counter}`;
  const participant = Participant.parse({
    participantId,
    person: { name, email: `lead-${counter}@school.test` },
    school: 'Hillside Primary',
    seniorLeader: { name: 'Sam Okafor', email: `head-${counter}@school.test`, role: 'Head teacher' },
    programmeId: 'ncetm-pd-lead',
    pathway: 'primary',
    cohortId: testCohort.cohortId,
    stage: accredited ? 'accredited' : 'in-programme',
    enrolledAt: '2026-09-01T09:00:00.000Z',
    ...(accredited ? { accreditation: { verificationCode, accreditedAt, listedInDirectory: false } } : {}),
  });
  await store().participants.create(participant);
  if (participant.accreditation) {
    await store().certificates.record(verificationCode, participantId);
    if (issued)
      await issueCertificate(participant, programme, participant.accreditation, system.dependencies);
  }
  return { participant, code: verificationCode };
}

const directoryJson = async () =>
  ((await (await fetch(url('/directory.json'))).json()) as { leads: Record<string, string>[] }).leads;

describe('certificates', () => {
  it('a recorded code gives the certificate kept in S3 when it was issued, as an inline PDF', async () => {
    const { code } = await accreditedLead('Bea Okonjo');
    const response = await fetch(url(`/certificates/${code}`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="certificate-${code}.pdf"`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    const served = new Uint8Array(await response.arrayBuffer());
    // Byte for byte what is kept, under certificates/<code>.pdf.
    expect(Buffer.from(served).equals(Buffer.from((await issued(code)) ?? []))).toBe(true);
    const kept = await bucket.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: `certificates/${code}.pdf` }),
    );
    expect(kept.ContentType).toBe('application/pdf');
    expect(kept.ContentLength).toBe(served.length);
    const pdf = await PDFDocument.load(served);
    expect(pdf.getTitle()).toBe('Certificate of accreditation: Bea Okonjo');
    expect(pdf.getSubject()).toContain(`Primary pathway. Verification code ${code}`);
    // The address printed on it is this system's own verification page.
    const verify = url(`/certificates/${code}/verify`);
    expect(pdf.getKeywords()).toBe(`${code} ${verify}`);
    expect((await fetch(verify)).status).toBe(200);
  });

  it('a recorded code with no certificate kept gets the friendly 404; its verify page still answers', async () => {
    const { code } = await accreditedLead('Gus Reed', { issued: false });
    expect(await issued(code)).toBeUndefined();
    const response = await fetch(url(`/certificates/${code}`));
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('We cannot find that certificate');
    expect((await fetch(url(`/certificates/${code}/verify`))).status).toBe(200);
  });

  it('an issued certificate is never replaced: issuing again, even from a changed record, keeps the bytes first issued', async () => {
    const { participant, code } = await accreditedLead('Hana Ito');
    const first = Buffer.from(await (await fetch(url(`/certificates/${code}`))).arrayBuffer());
    const accreditation = participant.accreditation as NonNullable<typeof participant.accreditation>;
    const corrected = { ...participant, person: { ...participant.person, name: 'Hana Itō-Smith' } };
    expect(await issueCertificate(corrected, programme, accreditation, system.dependencies)).toBe(false);
    const store = certificateStore(system.dependencies);
    expect(await store.keepCertificate(code, new TextEncoder().encode('%PDF-1.7 not this one'))).toBe(false);
    const again = Buffer.from(await (await fetch(url(`/certificates/${code}`))).arrayBuffer());
    expect(again.equals(first)).toBe(true);
    expect((await PDFDocument.load(again)).getTitle()).toBe('Certificate of accreditation: Hana Ito');
  });

  it('S3 itself refuses to overwrite a kept certificate (a conditional write), whoever tries', async () => {
    const { code } = await accreditedLead('Ida Park');
    const first = Buffer.from((await issued(code)) ?? []);
    const overwrite = bucket.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `certificates/${code}.pdf`,
        Body: 'not a certificate',
        IfNoneMatch: '*',
      }),
    );
    await expect(overwrite).rejects.toMatchObject({ name: 'PreconditionFailed' });
    expect(Buffer.from((await issued(code)) ?? []).equals(first)).toBe(true);
  });

  it('an unknown code, or one recorded for someone whose record does not carry it, gets a friendly 404', async () => {
    const unknown = await fetch(url('/certificates/0000-0000-0000'));
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await unknown.text()).toContain('We cannot find that certificate');

    const { participant } = await accreditedLead('Not Yet', { accredited: false });
    await store().certificates.record('ABCD-ABCD-ABCD', participant.participantId);
    expect((await fetch(url('/certificates/ABCD-ABCD-ABCD'))).status).toBe(404);
    expect((await fetch(url('/certificates/ABCD-ABCD-ABCD/verify'))).status).toBe(404);
  });

  it('a malformed code gets the same 404 without touching the database or S3', async () => {
    const lookups = vi.spyOn(store().certificates, 'participantWith');
    const reads = vi.spyOn(certificateStore(system.dependencies), 'issuedCertificate');
    const { code } = await accreditedLead();
    for (const malformed of [
      code.toLowerCase(),
      code.replaceAll('-', ''),
      `${code}0`,
      '1A2B-3C4D-5E6O',
      encodeURIComponent("1A2B-3C4D-5E6F' OR 1=1"),
      'X'.repeat(500),
    ]) {
      for (const path of [`/certificates/${malformed}`, `/certificates/${malformed}/verify`]) {
        const response = await fetch(url(path));
        expect(response.status, path).toBe(404);
        expect(await response.text()).toContain('We cannot find that certificate');
      }
    }
    expect(lookups).not.toHaveBeenCalled();
    expect(reads).not.toHaveBeenCalled();
    lookups.mockRestore();
    reads.mockRestore();
  });

  it('the verify page says the certificate is genuine: who, what and when', async () => {
    const { code } = await accreditedLead("Cara O'Neil & Co");
    const response = await fetch(url(`/certificates/${code}/verify`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await response.text();
    expect(page).toContain('<h1>This certificate is genuine</h1>');
    expect(page).toContain('<strong>Cara O&#39;Neil &amp; Co</strong>');
    expect(page).toContain('was accredited on Thursday 1 July 2027');
    expect(page).toContain('NCETM Professional Development Lead accreditation, Primary pathway');
    expect(page).toContain(code);
  });

  it('a code issued before codes were random (a hash of the participant id, in hex) still verifies and downloads', async () => {
    // As certificates were numbered until then; such codes are on printed certificates and stay genuine.
    const hashed = createHash('sha256')
      .update(`certificate\np-public-${counter + 1}`)
      .digest('hex')
      .toUpperCase();
    const oldCode = `${hashed.slice(0, 4)}-${hashed.slice(4, 8)}-${hashed.slice(8, 12)}`;
    const { code } = await accreditedLead('Asha Patel', { verificationCode: oldCode });
    expect(code).toBe(oldCode);
    expect(await (await fetch(url(`/certificates/${oldCode}/verify`))).text()).toContain(
      '<h1>This certificate is genuine</h1>',
    );
    expect((await fetch(url(`/certificates/${oldCode}`))).headers.get('content-type')).toBe(
      'application/pdf',
    );
  });

  it('answers HEAD, and refuses anything but reading with 405', async () => {
    const { code } = await accreditedLead();
    const head = await fetch(url(`/certificates/${code}`), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/pdf');
    for (const path of [`/certificates/${code}`, '/directory', '/directory.json']) {
      const post = await fetch(url(path), { method: 'POST', body: 'x=1' });
      expect(post.status, path).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
    }
  });
});

/** The form behind the lead's link, posted as a browser would, with the page's own hidden pageId. */
async function answerEntryForm(link: string, values: Record<string, string>) {
  const shown = await (await fetch(link)).text();
  const pageId = shown.match(/name="pageId" value="([^"]+)"/)?.[1] ?? '';
  return fetch(link, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...values, pageId }).toString(),
  });
}
const inputValue = (page: string, name: string) =>
  page.match(new RegExp(`id="${name}"[^>]* value="([^"]*)"`))?.[1];

describe('the directory and the lead’s entry in it', () => {
  it('is empty until someone opts in, as HTML and JSON (and HEAD)', async () => {
    const page = await fetch(url('/directory'));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('No accredited leads are listed yet.');
    const json = await fetch(url('/directory.json'));
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json.json()).toEqual({ leads: [] });
    const head = await fetch(url('/directory'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('the form starts from their name, school and Maths Hub, and keeps what was typed when it has problems', async () => {
    const { participant } = await accreditedLead('Dev Sharma');
    const link = await offerDirectoryEntry(participant, system.dependencies);
    const shown = await fetch(link);
    expect(shown.status).toBe(200);
    const page = await shown.text();
    expect(page).toContain('<h1>Your entry in the directory of accredited leads</h1>');
    expect(inputValue(page, 'displayName')).toBe('Dev Sharma');
    expect(inputValue(page, 'organisation')).toBe('Hillside Primary');
    expect(inputValue(page, 'region')).toBe(testCohort.mathsHub);
    expect(inputValue(page, 'contactEmail')).toBe('');
    expect(page).toContain('maxlength="500"');

    const refused = await answerEntryForm(link, {
      displayName: ' ',
      organisation: SCRIPT,
      contactEmail: 'not-an-email',
      offer: 'o'.repeat(501),
    });
    expect(refused.status).toBe(422);
    const errors = await refused.text();
    expect(errors).toContain('<a href="#listed">Choose whether to be listed in the directory</a>');
    expect(errors).toContain('<a href="#displayName">Enter the name to show in the directory</a>');
    expect(errors).toContain('Enter an email address like name@school.org.uk, or leave it empty');
    expect(errors).toContain('Shorten the PD you offer to 500 characters or fewer (it has 501)');
    expect(inputValue(errors, 'organisation')).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(inputValue(errors, 'contactEmail')).toBe('not-an-email');
    expect(errors).toContain(`${'o'.repeat(501)}</textarea>`);
    expect(errors).not.toContain(SCRIPT);
    expect(await directoryJson()).toEqual([]);
  });

  it('refuses a name, organisation or offer that would disguise itself in public, saying why on the form', async () => {
    const { participant } = await accreditedLead('Eve Jones');
    const link = await offerDirectoryEntry(participant, system.dependencies);
    const refused = await answerEntryForm(link, {
      listed: 'yes',
      displayName: 'Eve\u202Etxt.exe',
      organisation: 'Hillside\u200BPrimary',
      offer: 'Maths hubs\nworkshops\u2066',
    });
    expect(refused.status).toBe(422);
    const errors = await refused.text();
    expect(errors).toContain(
      '<a href="#displayName">Your name must not contain characters that change the text direction</a>',
    );
    expect(errors).toContain(
      '<a href="#organisation">Your organisation must not contain invisible characters</a>',
    );
    expect(errors).toContain(
      '<a href="#offer">The PD you offer must not contain characters that change the text direction</a>',
    );
    expect(await directoryJson()).toEqual([]);
  });

  it('opt in with chosen fields, change them (and back), then opt out: the link stays open throughout', async () => {
    const { participant } = await accreditedLead('Eli Brooks');
    const link = await offerDirectoryEntry(participant, system.dependencies);
    const chosen = {
      listed: 'yes',
      displayName: 'Eli Brooks',
      organisation: '',
      region: 'North Star Maths Hub',
      contactEmail: ' eli@pd.example ',
      offer: `Fractions work groups ${SCRIPT}`,
    };
    const saved = await answerEntryForm(link, chosen);
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('Your entry is in the directory of accredited leads.');
    const listed = {
      name: 'Eli Brooks',
      programme: 'NCETM Professional Development Lead accreditation',
      pathway: 'Primary',
      region: 'North Star Maths Hub',
      contactEmail: 'eli@pd.example',
      offer: `Fractions work groups ${SCRIPT}`,
    };
    expect(await directoryJson()).toEqual([listed]);
    const page = await (await fetch(url('/directory'))).text();
    expect(page).toContain('<h2>Eli Brooks</h2>');
    expect(page).toContain('href="mailto:eli@pd.example"');
    expect(page).not.toContain('Hillside Primary');
    expect(page).not.toContain(participant.person.email);
    expect(page).not.toContain(SCRIPT);
    expect(
      (await store().participants.get(participant.participantId))?.accreditation?.listedInDirectory,
    ).toBe(true);

    const again = await (await fetch(link)).text();
    expect(again).toContain('value="yes" checked');
    expect(inputValue(again, 'organisation')).toBe('');

    const changed = await answerEntryForm(link, {
      ...chosen,
      displayName: 'Dr Eli Brooks',
      contactEmail: '',
    });
    expect(changed.status).toBe(200);
    const { contactEmail: _, ...withoutEmail } = listed;
    expect(await directoryJson()).toEqual([{ ...withoutEmail, name: 'Dr Eli Brooks' }]);
    // The same values as the first answer, on a freshly shown page: saved again, not replayed.
    expect((await answerEntryForm(link, chosen)).status).toBe(200);
    expect(await directoryJson()).toEqual([listed]);

    const left = await answerEntryForm(link, { listed: 'no', displayName: '' });
    expect(left.status).toBe(200);
    expect(await left.text()).toContain('You are not listed in the directory.');
    expect(await directoryJson()).toEqual([]);
    expect(
      (await store().participants.get(participant.participantId))?.accreditation?.listedInDirectory,
    ).toBe(false);
    expect((await store().requests.get(`directory-entry-${participant.participantId}`))?.status).toBe('open');
  });

  it('lists several leads in name order, each from a link of their own', async () => {
    const zoe = await accreditedLead('Zoë Adams');
    const al = await accreditedLead('Al Turner');
    for (const { participant } of [zoe, al]) {
      const link = await offerDirectoryEntry(participant, system.dependencies);
      const answer = {
        listed: 'yes',
        displayName: participant.person.name,
        organisation: participant.school,
      };
      expect((await answerEntryForm(link, answer)).status).toBe(200);
    }
    expect((await directoryJson()).map((lead) => lead.name)).toEqual(['Al Turner', 'Zoë Adams']);
  });

  it('offering twice keeps one request, and every link to it opens the form', async () => {
    const { participant } = await accreditedLead();
    const first = await offerDirectoryEntry(participant, system.dependencies);
    const second = await offerDirectoryEntry(participant, system.dependencies);
    expect(first).not.toBe(second);
    for (const link of [first, second]) expect((await fetch(link)).status).toBe(200);
  });

  it('someone not accredited cannot be listed', async () => {
    const { participant } = await accreditedLead('Fay Ng', { accredited: false });
    const link = await offerDirectoryEntry(participant, system.dependencies);
    expect((await fetch(link)).status).toBe(403);
    expect((await answerEntryForm(link, { listed: 'yes', displayName: 'Fay Ng' })).status).toBe(403);
    expect(await store().directory.get(participant.participantId)).toBeUndefined();
  });
});
