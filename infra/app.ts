/**
 * The CDK app. Deploy with:
 *   npx cdk deploy -c emailFrom=accreditation@your-domain.org.uk -c adminEmail=team@your-domain.org.uk
 * and optionally -c formsDomain=forms.your-domain.org.uk -c formsCertificateArn=arn:aws:acm:…
 * (links on your own domain), -c formsRateLimit=<requests per client per 5 minutes, default 300>, and
 * -c sourceMaps=true (source maps in the functions' bundles, and Node told to use them).
 * cdk-nag's AwsSolutions checks run on every synth; each accepted finding is acknowledged with its reason.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AccreditationStack } from './accreditation-stack.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';

export function buildApp(app = new App()) {
  const context = (key: string): string | undefined => app.node.tryGetContext(key);
  const stack = new AccreditationStack(app, 'PdAccreditation', {
    emailFrom: context('emailFrom') ?? 'accreditation@example.org',
    adminEmail: context('adminEmail') ?? 'programme-team@example.org',
    formsRequestsPerClientPer5Minutes: rateLimit(context('formsRateLimit') ?? '300'),
    formsDomain: formsDomain(context('formsDomain'), context('formsCertificateArn')),
    ...(context('retentionYears') && { retentionYears: Number(context('retentionYears')) }),
    // -c milestoneSubscribers='[{"mathsHub":"…","eventBusArn":"arn:aws:events:…"}]'
    milestoneSubscribers: parseContext(context('milestoneSubscribers')),
    sourceMaps: String(context('sourceMaps')) === 'true',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  acknowledgeNagFindings(stack, stack.nagScopes);
  return { app, stack };
}

/** WAF's rate-based rules count from 10 requests in the window. */
function rateLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 10)
    throw new Error(`formsRateLimit must be a whole number of requests, at least 10: not ${value}`);
  return limit;
}

function formsDomain(domainName?: string, certificateArn?: string) {
  if (!domainName && !certificateArn) return undefined;
  if (!domainName || !certificateArn)
    throw new Error('formsDomain and formsCertificateArn go together: the domain, and its ACM certificate');
  return { domainName, certificateArn };
}

/** Context given on the command line is a string; given in cdk.json or a test, already an object. */
const parseContext = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

if (import.meta.url === `file://${process.argv[1]}`) buildApp().app.synth();
