import type { APIGatewayProxyResult } from 'aws-lambda';
import type { CommitmentFormValues } from '../domain/commitment.js';
import type { Commitment, Participant } from '../domain/participant.js';
import type { Programme } from '../domain/programme.js';
import { formatLondon } from '../domain/time.js';
import { html, type SafeHtml } from '../shared/html.js';

/**
 * Headers for every response, page or file: HTTPS only, for a year, on this host and any below it (HSTS);
 * the link secret must never leak through a referrer or a cache.
 */
export const securityHeaders = {
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * A page's headers. Forms post back to the page itself; `formActions` adds the origins one page's forms
 * may also post to (the submission page's upload forms post straight to S3), each reduced to its origin.
 */
const headersFor = (formActions: string[] = []) => ({
  'Content-Type': 'text/html; charset=utf-8',
  ...securityHeaders,
  'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${["'self'", ...new Set(formActions.map((url) => new URL(url).origin))].join(' ')}; frame-ancestors 'none'`,
});

export interface PageOptions {
  /** Where else this page's forms may post: see `headersFor`. */
  formActions?: string[];
}

const styles = `
body{font-family:Arial,sans-serif;font-size:19px;line-height:1.4;color:#0b0c0c;margin:0;padding:16px;max-width:640px;overflow-wrap:anywhere}
h1{font-size:28px;margin:0 0 16px}ul{padding-left:20px}li{margin-bottom:8px}
label,legend{display:block;font-weight:bold;margin:16px 0 4px}
input[type=text],textarea{width:100%;box-sizing:border-box;font-size:19px;padding:8px;border:2px solid #0b0c0c}
.choice{display:flex;align-items:flex-start;gap:8px;margin:8px 0}.choice input{flex:none;width:24px;height:24px;margin:2px 0 0}
.choice label{font-weight:normal;margin:0}fieldset{border:0;padding:0;margin:0}
button{font-size:19px;background:#00703c;color:#fff;border:0;padding:12px 20px;margin-top:24px;cursor:pointer}
button:focus,input:focus,textarea:focus,a:focus{outline:3px solid #fd0;outline-offset:0}
.error-summary{border:4px solid #d4351c;padding:16px;margin-bottom:16px}.error-summary h2{margin-top:0;font-size:22px}
.error-message{color:#d4351c;font-weight:bold;display:block}.hint{color:#505a5f}
.error-summary:focus{outline:3px solid #fd0}input[type=date]{display:block;font-size:19px;padding:8px;border:2px solid #0b0c0c}
.has-error input[type=text],.has-error textarea{border-color:#d4351c}a{color:#1d70b8}`;

export function page(
  statusCode: number,
  title: string,
  body: SafeHtml,
  options: PageOptions = {},
): APIGatewayProxyResult {
  const document = html`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${styles}</style></head>
<body><main id="main">${body}</main></body></html>`;
  return { statusCode, headers: headersFor(options.formActions), body: document.value };
}

/** Problems with a form, by field name, in words for the person. */
export type FieldErrors = Partial<Record<string, string>>;

/** Field order on the commitment page, so the error summary lists problems top to bottom. */
const commitmentFields: (keyof CommitmentFormValues)[] = ['decision', 'signedBy', 'role', 'agree', 'reason'];

/** The error summary at the top of a form: every problem, in page order, each linking to its field. */
export function errorSummary(errors: FieldErrors, fieldOrder: string[]): SafeHtml | undefined {
  const listed = fieldOrder.filter((f) => errors[f]);
  if (listed.length === 0) return undefined;
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">There is a problem</h2>
<ul>${listed.map((f) => html`<li><a href="#${f}">${errors[f]}</a></li>`)}</ul></div>`;
}

export const fieldError = (errors: FieldErrors, field: string) =>
  errors[field] && html`<span class="error-message" id="${field}-error">Error: ${errors[field]}</span>`;

export const describedBy = (errors: FieldErrors, field: string, hint?: string) => {
  const ids = [hint, errors[field] ? `${field}-error` : undefined].filter(Boolean).join(' ');
  return ids ? html` aria-describedby="${ids}"` : undefined;
};

export const checked = (on: boolean) => (on ? html` checked` : undefined);

/** "Error: " in the title tells screen-reader users at once that the page came back with problems. */
export const formTitle = (title: string, errors: FieldErrors) =>
  `${Object.keys(errors).length > 0 ? 'Error: ' : ''}${title}`;

export function commitmentFormPage(
  participant: Participant,
  programme: Programme,
  deadline: Date,
  values: CommitmentFormValues = {},
  errors: FieldErrors = {},
): APIGatewayProxyResult {
  const hasErrors = Object.keys(errors).length > 0;
  const title = `${hasErrors ? 'Error: ' : ''}Support ${participant.person.name} on the programme`;
  const { commitment } = programme;
  return page(
    hasErrors ? 422 : 200,
    title,
    html`${errorSummary(errors, commitmentFields)}
<h1>Support ${participant.person.name} on the programme</h1>
<p>${commitment.summary}</p>
<p><strong>${participant.person.name}</strong>, ${participant.school}. Please answer by ${formatLondon(deadline)}.</p>
<h2>The commitment</h2>
<p>As a senior leader I will:</p>
<ul>${commitment.pledges.map((p) => html`<li>${p}</li>`)}</ul>
<form method="post" novalidate>
<div class="${errors.decision ? 'has-error' : ''}"><fieldset${describedBy(errors, 'decision')}>
<legend id="decision">Can you commit to this?</legend>${fieldError(errors, 'decision')}
<div class="choice"><input type="radio" id="decision-signed" name="decision" value="signed"${checked(values.decision === 'signed')}><label for="decision-signed">Yes, I commit to supporting them</label></div>
<div class="choice"><input type="radio" id="decision-declined" name="decision" value="declined"${checked(values.decision === 'declined')}><label for="decision-declined">No, I cannot commit</label></div>
</fieldset></div>
<div class="${errors.signedBy ? 'has-error' : ''}"><label for="signedBy">Your full name</label>${fieldError(errors, 'signedBy')}
<input type="text" id="signedBy" name="signedBy" autocomplete="name" maxlength="100" value="${values.signedBy ?? ''}"${describedBy(errors, 'signedBy')}></div>
<div class="${errors.role ? 'has-error' : ''}"><label for="role">Your role</label><span class="hint" id="role-hint">For example, Head teacher or Principal</span>${fieldError(errors, 'role')}
<input type="text" id="role" name="role" autocomplete="organization-title" maxlength="100" value="${values.role ?? ''}"${describedBy(errors, 'role', 'role-hint')}></div>
<div class="${errors.agree ? 'has-error' : ''}">${fieldError(errors, 'agree')}
<div class="choice"><input type="checkbox" id="agree" name="agree" value="yes"${checked(values.agree === 'yes')}${describedBy(errors, 'agree')}><label for="agree">If I said yes: I agree to the commitment above on behalf of my school or organisation</label></div></div>
<div class="${errors.reason ? 'has-error' : ''}"><label for="reason">If you cannot commit, tell us why</label><span class="hint" id="reason-hint">The programme team will use this to help</span>${fieldError(errors, 'reason')}
<textarea id="reason" name="reason" rows="4" maxlength="1000"${describedBy(errors, 'reason', 'reason-hint')}>${values.reason ?? ''}</textarea></div>
<button type="submit">Send my answer</button>
</form>`,
  );
}

export function answerRecordedPage(participant: Participant, commitment: Commitment): APIGatewayProxyResult {
  const signed = commitment.decision === 'signed';
  return page(
    200,
    'Thank you: your answer is recorded',
    html`<h1>Thank you: your answer is recorded</h1>
<p>${signed ? `You have committed to supporting ${participant.person.name}. We have told them they can start.` : `We have told ${participant.person.name} and the programme team that you cannot commit at the moment.`}</p>
<p>You can close this page.</p>`,
  );
}

export function alreadyAnsweredPage(commitment: Commitment): APIGatewayProxyResult {
  const what = commitment.decision === 'signed' ? 'signed' : 'declined';
  return page(
    409,
    'This commitment has already been answered',
    html`<h1>This commitment has already been answered</h1>
<p>It was ${what} by ${commitment.signedBy} (${commitment.role}) on ${formatLondon(new Date(commitment.answeredAt))}. There is nothing more to do.</p>
<p>If that is wrong, please reply to the email you received and the programme team will help.</p>`,
  );
}

export function expiredLinkPage(): APIGatewayProxyResult {
  return page(
    410,
    'This link has expired',
    html`<h1>This link has expired</h1>
<p>The time to answer this request has passed, and the programme team has been told.</p>
<p>If you still want to support your colleague, please reply to the email you received and the team will send a new request.</p>`,
  );
}

/** A second click on a link whose answer is already in (attendance, a submission, feedback, an assessment). */
export function alreadyRecordedPage(what: string): APIGatewayProxyResult {
  return page(
    409,
    'This has already been recorded',
    html`<h1>This has already been recorded</h1>
<p>${what} is already recorded. There is nothing more to do.</p>
<p>If something is wrong, reply to the email you received and the programme team will help.</p>`,
  );
}

/** A link used after its deadline: says who can help, since only the admin can extend it. */
export function deadlinePassedPage(what: string): APIGatewayProxyResult {
  return page(
    410,
    'The deadline has passed',
    html`<h1>The deadline has passed</h1>
<p>The deadline for ${what} has passed, and the programme team has been told.</p>
<p>If you need more time, reply to the email you received: the team can give you an extension, and we will email you a new link.</p>`,
  );
}

/** The page after any answer is recorded. */
export function thankYouPage(message: string): APIGatewayProxyResult {
  return page(
    200,
    'Thank you: it is recorded',
    html`<h1>Thank you: it is recorded</h1><p>${message}</p><p>You can close this page.</p>`,
  );
}

/** Any link about a participant the programme team has withdrawn: nothing more is asked about them. */
export function withdrawnLinkPage(): APIGatewayProxyResult {
  return page(
    410,
    'This link is closed',
    html`<h1>This link is closed</h1>
<p>The participant this link is about has been withdrawn from the programme, so nothing more is needed here and nothing you send with it would be recorded.</p>
<p>If you think this is wrong, reply to the email you received and the programme team will help.</p>`,
  );
}

/** A link emailed to an address the record no longer holds for this ask (it was corrected or changed). */
export function replacedLinkPage(): APIGatewayProxyResult {
  return page(
    410,
    'This link has been replaced',
    html`<h1>This link has been replaced</h1>
<p>It was sent to an email address that has since been changed on our records, so it no longer works. We send new links only to the address we now hold: please use the link in the newest email from us.</p>
<p>If you have not received one, reply to the email you received and the programme team will help.</p>`,
  );
}

export function unknownLinkPage(): APIGatewayProxyResult {
  return page(
    404,
    'We do not recognise this link',
    html`<h1>We do not recognise this link</h1>
<p>Please check you opened the whole link from your email: some email programs split long links.</p>
<p>If it still does not work, reply to the email you received and we will help.</p>`,
  );
}

export function tooLargePage(): APIGatewayProxyResult {
  return page(
    413,
    'Your answer is too long',
    html`<h1>Your answer is too long</h1><p>Please go back, shorten your answer and send it again.</p>`,
  );
}

export function somethingWentWrongPage(): APIGatewayProxyResult {
  return page(
    500,
    'Sorry, something went wrong',
    html`<h1>Sorry, something went wrong</h1><p>Your answer may not have been saved. Please try again in a few minutes; if it keeps happening, reply to the email you received.</p>`,
  );
}
