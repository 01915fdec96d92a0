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

/** The public endpoint behind every emailed link: GET /r/{secret} shows, POST /r/{secret} answers. */
export class FormsApi extends Construct {
  readonly api: RestApi;

  constructor(scope: Construct, id: string, props: { forms: IFunction }) {
    super(scope, id);
    this.api = new RestApi(this, 'Api', {
      description: 'Emailed forms for senior leaders and participants',
      cloudWatchRole: true,
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
    link.addMethod('GET', integration);
    link.addMethod('POST', integration);
  }
}
