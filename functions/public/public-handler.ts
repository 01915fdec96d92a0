import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { certificateStore } from '../accreditation/certificate-store.js';
import { type DirectoryEntry, VerificationCode } from '../domain/directory.js';
import type { Participant } from '../domain/participant.js';
import { pathwayNames } from '../domain/pathway.js';
import { formatLondonDate } from '../domain/time.js';
import { textBlock } from '../forms/form-parts.js';
import { page, securityHeaders } from '../forms/pages.js';
import { programmeById } from '../programmes/index.js';
import { composedFor } from '../shared/composition.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';
import { aboutParticipant, logger, metrics, observed, withoutPersonalData } from '../shared/observability.js';
import { certificates } from '../shared/parts/certificates.js';
import { idempotency } from '../shared/parts/idempotency.js';
import { mailer } from '../shared/parts/mailer.js';
import { store } from '../shared/parts/store.js';
import { applyPage } from './apply.js';
import { registerInterestPage } from './register-interest.js';

/**
 * Pages anyone may open, with no link secret: an accredited lead's certificate (the PDF kept in S3 when it
 * was issued) and its verification, and the directory of leads who chose to be listed, read-only (GET and
 * HEAD); and the forms that take people in, which also take a POST: registering interest in a programme
 * pathway's waiting list, and applying to a cohort.
 */

const certificateNotFound = () =>
  page(
    404,
    'We cannot find that certificate',
    html`<h1>We cannot find that certificate</h1>
<p>Please check the verification code: it is printed at the bottom left of the certificate, like <strong>1A2B-3C4D-5E6F</strong>.</p>
<p>If it still cannot be found, the certificate is not one we issued.</p>`,
  );

/** The lead's personal data was erased at their request: the code was ours, but there is no one to show. */
const certificateErased = () =>
  page(
    410,
    'This certificate cannot be shown',
    html`<h1>This certificate cannot be shown</h1>
<p>We issued a certificate with this verification code, but the details of the person it was issued to have since been erased at their request, so we cannot show or confirm them.</p>`,
  );

/** No certificate to show for a code: erased, or never ours. */
async function noCertificate(code: string | undefined, { store }: Dependencies) {
  const parsed = VerificationCode.safeParse(code);
  return parsed.success && (await store.certificates.isErased(parsed.data))
    ? certificateErased()
    : certificateNotFound();
}

const notFound = () =>
  page(404, 'Page not found', html`<h1>Page not found</h1><p>Please check the address.</p>`);

/** The accredited participant behind a code; a malformed code never reaches the database. */
async function accredited(code: string | undefined, { store }: Dependencies) {
  const parsed = VerificationCode.safeParse(code);
  if (!parsed.success) return undefined;
  const participant = await store.certificates.participantWith(parsed.data);
  if (participant) aboutParticipant(participant);
  const accreditation = participant?.accreditation;
  return participant && accreditation && { participant, accreditation, code: parsed.data };
}

/**
 * The certificate as issued at accreditation: the PDF kept in S3, served byte for byte. The record is
 * checked first, so a certificate is served only while its verify page says it is genuine.
 */
async function certificate(event: APIGatewayProxyEvent, deps: Dependencies): Promise<APIGatewayProxyResult> {
  const found = await accredited(event.pathParameters?.code, deps);
  if (!found) return noCertificate(event.pathParameters?.code, deps);
  const { code } = found;
  const pdf = await certificateStore(deps).issuedCertificate(code);
  if (!pdf) {
    logger.warn('Accredited, but no certificate is kept', { code });
    return certificateNotFound();
  }
  metrics.addMetric('CertificateDownloaded', MetricUnit.Count, 1);
  return {
    statusCode: 200,
    // No CSP on the PDF: some browsers' viewers will not run under one.
    headers: {
      ...securityHeaders,
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="certificate-${code}.pdf"`,
    },
    body: Buffer.from(pdf).toString('base64'),
    isBase64Encoded: true,
  };
}

/** A genuine certificate may be of an accreditation that has since lapsed or been given up. */
function currentness({ lapse, withdrawal }: Participant): string {
  if (lapse)
    return `Their accreditation lapsed on ${formatLondonDate(new Date(lapse.at))}: it is no longer current.`;
  if (withdrawal)
    return `Their accreditation ended on ${formatLondonDate(new Date(withdrawal.at))}: it is no longer current.`;
  return 'Their accreditation is current.';
}

async function verification(event: APIGatewayProxyEvent, deps: Dependencies): Promise<APIGatewayProxyResult> {
  const found = await accredited(event.pathParameters?.code, deps);
  if (!found) return noCertificate(event.pathParameters?.code, deps);
  const { participant, accreditation, code } = found;
  const programme = programmeById(participant.programmeId);
  return page(
    200,
    'This certificate is genuine',
    html`<h1>This certificate is genuine</h1>
<p><strong>${participant.person.name}</strong> was accredited on ${formatLondonDate(new Date(accreditation.accreditedAt))}:</p>
<p>${programme.name}, ${pathwayNames[participant.pathway]} pathway.</p>
<p>${currentness(participant)}</p>
<p>Verification code <strong>${code}</strong>.</p>`,
  );
}

/** A listed lead as the public sees them: only the fields they chose, nothing else from their record. */
function published(entry: DirectoryEntry) {
  return {
    name: entry.displayName,
    programme: programmeById(entry.programmeId).name,
    pathway: pathwayNames[entry.pathway],
    organisation: entry.organisation,
    region: entry.region,
    contactEmail: entry.contactEmail,
    offer: entry.offer,
  };
}
type PublishedLead = ReturnType<typeof published>;

async function listedLeads({ store }: Dependencies): Promise<PublishedLead[]> {
  return (await store.directory.list()).map(published).sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}

const leadEntry = (lead: PublishedLead) => {
  const where = [lead.organisation, lead.region].filter(Boolean).join(', ');
  return html`<li><h2>${lead.name}</h2>
<p>${lead.programme}, ${lead.pathway} pathway</p>${where ? html`<p>${where}</p>` : undefined}
${lead.offer ? textBlock(lead.offer) : undefined}${lead.contactEmail ? html`<p><a href="mailto:${lead.contactEmail}">${lead.contactEmail}</a></p>` : undefined}</li>`;
};

async function directory(deps: Dependencies): Promise<APIGatewayProxyResult> {
  const leads = await listedLeads(deps);
  return page(
    200,
    'Directory of accredited leads',
    html`<h1>Directory of accredited leads</h1>
<p>Accredited professional development leads who chose to be listed.</p>
${leads.length ? html`<ul style="list-style:none;padding:0">${leads.map(leadEntry)}</ul>` : html`<p>No accredited leads are listed yet.</p>`}`,
  );
}

async function directoryJson(deps: Dependencies): Promise<APIGatewayProxyResult> {
  return {
    statusCode: 200,
    headers: {
      ...securityHeaders,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    },
    body: JSON.stringify({ leads: await listedLeads(deps) }),
  };
}

type Route = (event: APIGatewayProxyEvent, deps: Dependencies) => Promise<APIGatewayProxyResult>;

/** By API Gateway's resource template; the local runtime sets the same. */
const routes: Record<string, Route> = {
  '/certificates/{code}': certificate,
  '/certificates/{code}/verify': verification,
  '/directory': (_, deps) => directory(deps),
  '/directory.json': (_, deps) => directoryJson(deps),
};

/** The pages that take a POST: registering interest in a waiting list, and applying to a cohort. */
const takingPosts: Record<string, Route> = {
  '/waiting-list/{programmeId}/{pathway}': registerInterestPage,
  '/applications/{cohortId}': applyPage,
};

async function respond(
  event: APIGatewayProxyEvent,
  deps: () => Dependencies,
): Promise<APIGatewayProxyResult> {
  const form = takingPosts[event.resource];
  if (form) return form(event, deps());
  if (event.httpMethod !== 'GET' && event.httpMethod !== 'HEAD') {
    const refused = page(405, 'Not allowed', html`<h1>Not allowed</h1><p>These pages can only be read.</p>`);
    return { ...refused, headers: { ...refused.headers, Allow: 'GET, HEAD' } };
  }
  const route = routes[event.resource];
  return route ? route(event, deps()) : notFound();
}

export function publicHandler(dependencies: () => Dependencies) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpHeaderNormalizer())
    .use(observed())
    .handler(async (event, context) => {
      let result: APIGatewayProxyResult;
      try {
        // Registering interest emails a link: the send's idempotency record lives as long as the invocation.
        result = await respond(event, () => {
          const deps = dependencies();
          deps.mailer.registerLambdaContext(context);
          return deps;
        });
      } catch (error) {
        logger.error('Public page failed', withoutPersonalData(error));
        result = page(
          500,
          'Sorry, something went wrong',
          html`<h1>Sorry, something went wrong</h1><p>Please try again in a few minutes.</p>`,
        );
      }
      metrics.addMetric(`PublicPage${result.statusCode}`, MetricUnit.Count, 1);
      return result;
    });
}

export const handler = publicHandler(composedFor('Public', store, idempotency, mailer, certificates));
