import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Participant } from '../domain/participant.js';
import type { Programme } from '../domain/programme.js';
import type { Dependencies } from '../shared/dependencies.js';
import { formsUrl } from '../shared/forms-url.js';

/**
 * Issued certificates, kept in the uploads bucket as `certificates/<verificationCode>.pdf`. The PDF is drawn
 * once, at accreditation, and from then on the stored bytes are the certificate: a later change to the
 * template (or to how a name is printed) never alters a document already issued.
 */
export interface CertificateStore {
  /**
   * Keeps the certificate under its code, unless one is kept already: an issued certificate is never
   * replaced, so a rerun of accreditation leaves the first one as it was. True if stored by this call.
   */
  keepCertificate(code: string, pdf: Uint8Array): Promise<boolean>;
  /** The certificate as issued, or undefined if none is kept under this code. */
  issuedCertificate(code: string): Promise<Uint8Array | undefined>;
  /** Deletes the issued certificate (it prints the lead's name) when their data is erased. */
  withdrawCertificate(code: string): Promise<void>;
}

/** Where the certificates go in the uploads bucket (infra/constructs/uploads.ts grants this prefix). */
export const CERTIFICATES_PREFIX = 'certificates/';
export const certificateKey = (code: string) => `${CERTIFICATES_PREFIX}${code}.pdf`;

const isMissing = (error: unknown) => ['NotFound', 'NoSuchKey'].includes((error as Error).name);
/** S3's answer to a conditional write that lost: another writer kept the object first. */
const lostRace = (error: unknown) =>
  ['PreconditionFailed', 'ConditionalRequestConflict'].includes((error as Error).name);

export function s3CertificateStore(s3: S3Client, bucket: string): CertificateStore {
  return {
    async keepCertificate(code, pdf) {
      const Key = certificateKey(code);
      try {
        await s3.send(new HeadObjectCommand({ Bucket: bucket, Key }));
        return false;
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
      try {
        // If-None-Match: two runs at once cannot both write; the second finds the first's certificate.
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key,
            Body: pdf,
            ContentType: 'application/pdf',
            IfNoneMatch: '*',
          }),
        );
        return true;
      } catch (error) {
        if (lostRace(error)) return false;
        throw error;
      }
    },

    async withdrawCertificate(code) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: certificateKey(code) }));
    },

    async issuedCertificate(code) {
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: certificateKey(code) }));
        return await object.Body?.transformToByteArray();
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
  };
}

/** The certificate store, which the functions told UPLOADS_BUCKET have (AdvanceProgramme, Public, Admin, Retention). */
export function certificateStore(deps: Dependencies): CertificateStore {
  if (!deps.certificates) throw new Error('No certificate store: UPLOADS_BUCKET is not set');
  return deps.certificates;
}

/**
 * Draws the accredited lead's certificate and keeps it, once: run again (a retry, a restarted execution),
 * it leaves the certificate already issued exactly as it was. Its verify address is the public
 * `certificates/<code>/verify` page beside the forms.
 */
export async function issueCertificate(
  participant: Participant,
  programme: Programme,
  accreditation: NonNullable<Participant['accreditation']>,
  deps: Dependencies,
): Promise<boolean> {
  const { verificationCode } = accreditation;
  // pdf-lib is loaded on the first certificate, not at every cold start of the functions that may draw one.
  const certificate = await import('./certificate.js');
  const pdf = await certificate.certificatePdf({
    name: participant.person.name,
    programmeName: programme.name,
    pathway: participant.pathway,
    accreditedAt: new Date(accreditation.accreditedAt),
    verificationCode,
    verifyUrl: formsUrl(deps.settings, `certificates/${verificationCode}/verify`),
  });
  return certificateStore(deps).keepCertificate(verificationCode, pdf);
}
