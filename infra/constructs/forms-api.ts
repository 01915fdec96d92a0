import {
  AccessLogFormat,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The public endpoint behind every emailed link (GET /r/{secret} shows, POST /r/{secret} answers), and the
 * pages anyone may read: certificates, their verification, and the directory of accredited leads.
 */
export class FormsApi extends Construct {
  readonly api: RestApi;

  constructor(scope: Construct, id: string, props: { forms: IFunction; publicPages: IFunction }) {
    super(scope, id);
    this.api = new RestApi(this, 'Api', {
      description: 'Emailed forms for senior leaders and participants; certificates and the directory',
      cloudWatchRole: true,
      // The certificate PDF comes back base64-encoded; browsers' Accept headers vary, so every type may be
      // binary. Text answers pass through unchanged, and the forms handler decodes base64 posted bodies.
      binaryMediaTypes: ['*/*'],
      deployOptions: {
        stageName: 'forms',
        throttlingRateLimit: 20,
        throttlingBurstLimit: 40,
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        accessLogDestination: new LogGroupLogDestination(
          new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_YEAR }),
        ),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    const link = this.api.root.addResource('r').addResource('{secret}');
    const integration = new LambdaIntegration(props.forms);
    // HEAD as well as GET: link checkers and mail scanners use it, and it only ever shows (an empty) page.
    for (const method of ['GET', 'HEAD', 'POST']) link.addMethod(method, integration);

    const publicPages = new LambdaIntegration(props.publicPages);
    const certificate = this.api.root.addResource('certificates').addResource('{code}');
    const readOnly = [
      certificate,
      certificate.addResource('verify'),
      this.api.root.addResource('directory'),
      this.api.root.addResource('directory.json'),
    ];
    for (const resource of readOnly)
      for (const method of ['GET', 'HEAD']) resource.addMethod(method, publicPages);
    // Registering interest in a programme pathway's waiting list: GET shows the form, POST registers.
    const registerInterest = this.api.root
      .addResource('waiting-list')
      .addResource('{programmeId}')
      .addResource('{pathway}');
    // Applying to a cohort whose programme takes applications: GET shows the form, POST sends it.
    const apply = this.api.root.addResource('applications').addResource('{cohortId}');
    for (const resource of [registerInterest, apply])
      for (const method of ['GET', 'HEAD', 'POST']) resource.addMethod(method, publicPages);
  }
}
