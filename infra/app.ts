/**
 * The CDK app. Deploy with:
 *   npx cdk deploy -c emailFrom=accreditation@your-domain.org.uk -c adminEmail=team@your-domain.org.uk
 * cdk-nag's AwsSolutions checks run on every synth; each accepted finding is acknowledged with its reason.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AccreditationStack } from './accreditation-stack.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';

export function buildApp(app = new App()) {
  const stack = new AccreditationStack(app, 'PdAccreditation', {
    emailFrom: app.node.tryGetContext('emailFrom') ?? 'accreditation@example.org',
    adminEmail: app.node.tryGetContext('adminEmail') ?? 'programme-team@example.org',
    // -c milestoneSubscribers='[{"mathsHub":"…","eventBusArn":"arn:aws:events:…"}]'
    milestoneSubscribers: parseContext(app.node.tryGetContext('milestoneSubscribers')),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  acknowledgeNagFindings(stack, stack.nagScopes);
  return { app, stack };
}

/** Context given on the command line is a string; given in cdk.json or a test, already an object. */
const parseContext = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

if (import.meta.url === `file://${process.argv[1]}`) buildApp().app.synth();
