import { randomBytes } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Attachment } from '../domain/participant.js';
import { publicTextProblem } from '../domain/public-text.js';

/**
 * Files a participant adds to a task or framework submission. Our pages run no script, so the browser
 * posts each file straight to S3 with a presigned POST whose policy S3 enforces: the size, the declared
 * type, where the file goes (`uploads/<requestId>/<random>/<file name>`), and where S3 sends the browser
 * back (the same form page). When the participant sends their answers, each upload is checked again here,
 * from what S3 stored, before it is recorded with the submission: nothing the browser said is trusted.
 */

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** The most files recorded with one submission; the page stops offering uploads at this many. */
export const MAX_ATTACHMENTS = 10;
/**
 * How long an upload form works once the page is shown: long enough to find the file, short enough that a
 * copied form (its policy is a bearer grant to write under the request's prefix) is soon useless.
 */
export const UPLOAD_FORM_SECONDS = 15 * 60;
/** How long a download link on the cohort lead's page works. */
export const DOWNLOAD_LINK_SECONDS = 15 * 60;

export interface FileKind {
  id: string;
  /** What the person picks: "a PDF", "a Word document (.docx)". */
  label: string;
  contentType: string;
  /** For the file picker's filter. */
  accept: string;
  /** The bytes every such file starts with. */
  magic: number[];
}

/** Office files are ZIP archives: their first bytes say ZIP, not which Office application. */
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const officeType = 'application/vnd.openxmlformats-officedocument';

export const FILE_KINDS: readonly FileKind[] = [
  {
    id: 'pdf',
    label: 'a PDF',
    contentType: 'application/pdf',
    accept: '.pdf',
    magic: [0x25, 0x50, 0x44, 0x46, 0x2d],
  },
  {
    id: 'docx',
    label: 'a Word document (.docx)',
    contentType: `${officeType}.wordprocessingml.document`,
    accept: '.docx',
    magic: ZIP,
  },
  {
    id: 'pptx',
    label: 'a PowerPoint presentation (.pptx)',
    contentType: `${officeType}.presentationml.presentation`,
    accept: '.pptx',
    magic: ZIP,
  },
  {
    id: 'xlsx',
    label: 'an Excel spreadsheet (.xlsx)',
    contentType: `${officeType}.spreadsheetml.sheet`,
    accept: '.xlsx',
    magic: ZIP,
  },
  {
    id: 'png',
    label: 'a PNG image',
    contentType: 'image/png',
    accept: '.png',
    magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  },
  {
    id: 'jpeg',
    label: 'a JPEG image',
    contentType: 'image/jpeg',
    accept: '.jpg,.jpeg',
    magic: [0xff, 0xd8, 0xff],
  },
];

/** One upload form: where it posts and the hidden fields that carry the signed policy. */
export interface UploadForm {
  kind: FileKind;
  action: string;
  fields: Record<string, string>;
}

/** A file S3 holds for a request, as listed (not yet checked). */
export interface Upload {
  key: string;
  name: string;
  bytes: number;
}

export interface Uploads {
  /**
   * A presigned POST for one kind of file (a policy allows one Content-Type), into a fresh folder under the
   * request's prefix, sending the browser back to `returnTo`. Signed here: it calls nothing.
   */
  uploadForm(requestId: string, kind: FileKind, returnTo: string): Promise<UploadForm>;
  /** What has been uploaded for the request so far, oldest first. */
  list(requestId: string): Promise<Upload[]>;
  /** The upload as S3 stored it, if its type, size and first bytes are one of ours; otherwise undefined. */
  check(upload: Upload): Promise<Attachment | undefined>;
  /** A link that downloads the file for the next DOWNLOAD_LINK_SECONDS. */
  downloadUrl(attachment: Attachment): Promise<string>;
  /** Deletes every file uploaded for the request (its author's data is erased); how many there were. */
  forget(requestId: string): Promise<number>;
}

const prefixOf = (requestId: string) => `uploads/${requestId}/`;

/** "uploads/<requestId>/<random>/<name>" → "<name>". */
const nameOf = (key: string, requestId: string) =>
  key.slice(prefixOf(requestId).length).split('/').slice(1).join('/');

/** Content-Disposition for a download: the name as typed, with a plain-ASCII fallback for old browsers. */
function attachmentDisposition(name: string) {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function s3Uploads(s3: S3Client, bucket: string): Uploads {
  return {
    async uploadForm(requestId, kind, returnTo) {
      const folder = `${prefixOf(requestId)}${randomBytes(9).toString('base64url')}/`;
      // Every field below becomes an exact-match condition of the policy; S3 puts the uploaded file's name
      // in place of the {filename} placeholder, and the key must start with this folder.
      // The presigners are loaded when a form first needs one, not at the cold start of every function here.
      const presignedPost = await import('@aws-sdk/s3-presigned-post');
      const { url, fields } = await presignedPost.createPresignedPost(s3, {
        Bucket: bucket,
        Key: `${folder}\${filename}`,
        Conditions: [['content-length-range', 1, MAX_UPLOAD_BYTES]],
        Fields: { 'Content-Type': kind.contentType, success_action_redirect: returnTo },
        Expires: UPLOAD_FORM_SECONDS,
      });
      return { kind, action: url, fields };
    },

    async list(requestId) {
      const listed = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefixOf(requestId), MaxKeys: 1000 }),
      );
      return (listed.Contents ?? [])
        .sort((a, b) => (a.LastModified?.getTime() ?? 0) - (b.LastModified?.getTime() ?? 0))
        .map((o) => ({ key: o.Key ?? '', name: nameOf(o.Key ?? '', requestId), bytes: o.Size ?? 0 }))
        .filter((u) => u.name.length > 0);
    },

    async check(upload) {
      // The name is the cohort lead's download's file name: nothing that disguises what the file is.
      if (publicTextProblem(upload.name)) return undefined;
      let head: { ContentType?: string | undefined; ContentLength?: number | undefined };
      try {
        head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: upload.key }));
      } catch (error) {
        if ((error as Error).name === 'NotFound') return undefined;
        throw error;
      }
      const kind = FILE_KINDS.find((k) => k.contentType === head.ContentType);
      const bytes = head.ContentLength ?? 0;
      if (!kind || bytes < 1 || bytes > MAX_UPLOAD_BYTES) return undefined;
      const start = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: upload.key, Range: `bytes=0-${kind.magic.length - 1}` }),
      );
      const first = (await start.Body?.transformToByteArray()) ?? new Uint8Array();
      if (!kind.magic.every((byte, i) => first[i] === byte)) return undefined;

      return { key: upload.key, name: upload.name, contentType: kind.contentType, bytes };
    },

    async forget(requestId) {
      // Every key under the prefix, named or not: an upload S3 kept but the form never took is theirs too.
      const listed = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefixOf(requestId), MaxKeys: 1000 }),
      );
      const keys = (listed.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
      for (const Key of keys) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
      return keys.length;
    },

    async downloadUrl(attachment) {
      const presigner = await import('@aws-sdk/s3-request-presigner');
      return presigner.getSignedUrl(
        s3,
        new GetObjectCommand({
          Bucket: bucket,
          Key: attachment.key,
          ResponseContentDisposition: attachmentDisposition(attachment.name),
          ResponseContentType: attachment.contentType,
        }),
        { expiresIn: DOWNLOAD_LINK_SECONDS },
      );
    },
  };
}
