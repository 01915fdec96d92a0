import { PageSizes, PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { type CertificateDetails, certificatePdf } from '../../functions/accreditation/certificate.js';

const details: CertificateDetails = {
  name: 'Asha Patel',
  programmeName: 'NCETM Professional Development Lead accreditation',
  pathway: 'primary',
  accreditedAt: new Date('2027-07-01T09:00:00Z'),
  verificationCode: '1A2B-3C4D-5E6F',
  verifyUrl: 'https://forms.example/certificates/1A2B-3C4D-5E6F/verify',
};

/** pdf-lib cannot extract page text, so the facts are checked in the metadata the certificate sets. */
describe('certificatePdf', () => {
  it('is one landscape A4 page whose metadata names the lead, programme, pathway and code', async () => {
    const pdf = await PDFDocument.load(await certificatePdf(details));
    expect(pdf.getPageCount()).toBe(1);
    const size = pdf.getPage(0).getSize();
    const [short, long] = PageSizes.A4;
    expect(size.width).toBeCloseTo(long);
    expect(size.height).toBeCloseTo(short);
    expect(pdf.getTitle()).toBe('Certificate of accreditation: Asha Patel');
    expect(pdf.getSubject()).toBe(
      'NCETM Professional Development Lead accreditation, Primary pathway. Verification code 1A2B-3C4D-5E6F',
    );
    expect(pdf.getKeywords()).toContain('1A2B-3C4D-5E6F');
    expect(pdf.getCreationDate()?.toISOString()).toBe('2027-07-01T09:00:00.000Z');
  });

  it('is the same for the same record: a rerun of accreditation draws the certificate already kept', async () => {
    expect(
      Buffer.from(await certificatePdf(details)).equals(Buffer.from(await certificatePdf(details))),
    ).toBe(true);
  });

  it('draws names beyond the standard fonts without failing: accents dropped, the rest as "?"', async () => {
    const name = 'Łucja Dvořák 李';
    const pdf = await PDFDocument.load(await certificatePdf({ ...details, name }));
    expect(pdf.getTitle()).toBe(`Certificate of accreditation: ${name}`);
    expect(pdf.getPageCount()).toBe(1);
  });

  it('fits a very long name and address on the page', async () => {
    const pdf = await certificatePdf({
      ...details,
      name: 'Anna-Maria Catherine Elizabeth Montgomery-Fitzwilliam-Smythe',
      verifyUrl: `https://${'very-long-subdomain.'.repeat(6)}example/forms/certificates/1A2B-3C4D-5E6F/verify`,
    });
    expect((await PDFDocument.load(pdf)).getPageCount()).toBe(1);
  });
});
