import { type CertificateStore, s3CertificateStore } from '../../accreditation/certificate-store.js';
import type { Part } from '../composition.js';
import { s3 } from './bucket.js';

/** Issued certificates (`certificates/`), when the function is told the bucket. */
export const certificates: Part<{ certificates?: CertificateStore }> = {
  name: 'certificates',
  build: (wiring) => {
    const bucket = wiring.settings.UPLOADS_BUCKET;
    return bucket ? { certificates: s3CertificateStore(s3(wiring), bucket) } : {};
  },
};
