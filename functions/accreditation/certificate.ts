import { PageSizes, PDFDocument, type PDFFont, type PDFPage, type RGB, rgb, StandardFonts } from 'pdf-lib';
import { type Pathway, pathwayNames } from '../domain/pathway.js';
import { formatLondonDate } from '../domain/time.js';

/**
 * The accreditation certificate, drawn once from the participant record at accreditation and kept in S3
 * as issued (certificate-store.ts): a later change here never alters a certificate already issued. The
 * verification code printed on it lets anyone check it against the record.
 */
export interface CertificateDetails {
  name: string;
  programmeName: string;
  pathway: Pathway;
  accreditedAt: Date;
  verificationCode: string;
  verifyUrl: string;
}

const navy = rgb(0.11, 0.2, 0.35);
const grey = rgb(0.31, 0.35, 0.37);
// A4 turned on its side.
const [height, width] = PageSizes.A4;
const MARGIN = 70;

interface Text {
  text: string;
  font: PDFFont;
  size: number;
  color?: RGB;
}

/**
 * The standard PDF fonts only cover Western European letters: others lose their accents (ř → r), and
 * anything left is shown as "?" rather than failing the certificate. Embedding a Unicode font would lift this.
 */
function printable(font: PDFFont, text: string): string {
  const covered = new Set(font.getCharacterSet());
  return [...text]
    .map((c) => {
      if (covered.has(c.codePointAt(0) ?? 0)) return c;
      const plain = c.normalize('NFKD').replace(/\p{M}/gu, '');
      return [...plain].every((p) => covered.has(p.codePointAt(0) ?? 0)) ? plain : '?';
    })
    .join('');
}

/** Draws a line of text centred across the page, shrunk if it would not fit between the margins. */
function centred(page: PDFPage, y: number, { text, font, size, color = navy }: Text) {
  const safe = printable(font, text);
  const fitted = Math.min(
    size,
    (size * (width - 2 * MARGIN)) / Math.max(1, font.widthOfTextAtSize(safe, size)),
  );
  const x = (width - font.widthOfTextAtSize(safe, fitted)) / 2;
  page.drawText(safe, { x, y, size: fitted, font, color });
}

export async function certificatePdf(details: CertificateDetails): Promise<Uint8Array> {
  const { name, programmeName, pathway, accreditedAt, verificationCode, verifyUrl } = details;
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const [serif, serifBold, sans, mono] = (await Promise.all(
    [
      StandardFonts.TimesRoman,
      StandardFonts.TimesRomanBold,
      StandardFonts.Helvetica,
      StandardFonts.CourierBold,
    ].map((f) => pdf.embedFont(f)),
  )) as [PDFFont, PDFFont, PDFFont, PDFFont];
  const pathwayName = `${pathwayNames[pathway]} pathway`;
  // Metadata carries the facts too, so search and assistive tools (and our tests) can read them.
  pdf.setTitle(`Certificate of accreditation: ${name}`, { showInWindowTitleBar: true });
  pdf.setSubject(`${programmeName}, ${pathwayName}. Verification code ${verificationCode}`);
  pdf.setKeywords([verificationCode, verifyUrl]);
  pdf.setAuthor('NCETM');
  pdf.setCreator('PD accreditation');
  pdf.setProducer('PD accreditation');
  pdf.setLanguage('en-GB');
  // The accreditation date, not "now": the same record always gives the same certificate.
  pdf.setCreationDate(accreditedAt);
  pdf.setModificationDate(accreditedAt);

  const page = pdf.addPage([width, height]);
  page.drawRectangle({
    x: 24,
    y: 24,
    width: width - 48,
    height: height - 48,
    borderColor: navy,
    borderWidth: 2,
  });
  page.drawRectangle({
    x: 32,
    y: 32,
    width: width - 64,
    height: height - 64,
    borderColor: navy,
    borderWidth: 0.5,
  });

  centred(page, 468, { text: 'Certificate of accreditation', font: serif, size: 38 });
  page.drawLine({ start: { x: width / 2 - 60, y: 448 }, end: { x: width / 2 + 60, y: 448 }, color: navy });
  centred(page, 395, { text: 'This is to certify that', font: sans, size: 14, color: grey });
  centred(page, 335, { text: name, font: serifBold, size: 46 });
  centred(page, 285, { text: 'has been awarded the', font: sans, size: 14, color: grey });
  centred(page, 252, { text: programmeName, font: serif, size: 24 });
  centred(page, 222, { text: pathwayName, font: sans, size: 15 });
  centred(page, 172, {
    text: `Accredited on ${formatLondonDate(accreditedAt)}`,
    font: sans,
    size: 14,
    color: grey,
  });

  page.drawText('Verification code', { x: MARGIN, y: 100, size: 9, font: sans, color: grey });
  page.drawText(verificationCode, { x: MARGIN, y: 80, size: 16, font: mono, color: navy });
  const check = 'Check this certificate is genuine at';
  const url = printable(sans, verifyUrl);
  const urlSize = Math.min(10, (10 * (width - 2 * MARGIN - 180)) / sans.widthOfTextAtSize(url, 10));
  page.drawText(check, {
    x: width - MARGIN - sans.widthOfTextAtSize(check, 9),
    y: 100,
    size: 9,
    font: sans,
    color: grey,
  });
  page.drawText(url, {
    x: width - MARGIN - sans.widthOfTextAtSize(url, urlSize),
    y: 82,
    size: urlSize,
    font: sans,
    color: navy,
  });

  return pdf.save();
}
