import type { Part } from '../composition.js';
import { s3Uploads, type Uploads } from '../uploads.js';
import { s3 } from './bucket.js';

/** Files attached to submissions (`uploads/`), when the function is told the bucket. */
export const uploads: Part<{ uploads?: Uploads }> = {
  name: 'uploads',
  build: (wiring) => {
    const bucket = wiring.settings.UPLOADS_BUCKET;
    return bucket ? { uploads: s3Uploads(s3(wiring), bucket) } : {};
  },
};
