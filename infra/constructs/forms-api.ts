import { Stack } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** The API's stage: part of every link's address unless a custom domain maps to it. */
const STAGE = 'forms';

/** The forms' own domain, so links and certificate addresses outlive the API (ACM, in the API's region). */
export interface FormsDomain {
  domainName: string;
  certificateArn: string;
}

/**
 * The public endpoint behind every emailed link (GET /r/{secret} shows, POST /r/{secret} answers), and the
 * pages anyone may read: certificates, their verification, and the directory of accredited leads. The
 * stage is throttled as a whole, and a WAF rule limits each client (IP address) on its own.
 */
export class FormsApi extends Construct {
  readonly api: RestApi;
  /**
   * Where links point (FORMS_BASE_URL): the custom domain if there is one, else the API's own address,
   * built from its id and stage name rather than `api.url`, which would make every function that is
   * told it depend on the stage, and so on the functions it serves: a cycle.
   */
  readonly baseUrl: string;

  constructor(
    scope: Construct,
    id: string,
    props: {
      forms: IFunction;
      publicPages: IFunction;
      /** Requests one IP address may make in 5 minutes before WAF blocks it until it slows down. */
      requestsPerClientPer5Minutes: number;
      domain?: FormsDomain;
    },
  ) {
    super(scope, id);
    this.api = new RestApi(this, 'Api', {
      description: 'Emailed forms for senior leaders and participants; certificates and the directory',
      cloudWatchRole: true,
      // The certificate PDF comes back base64-encoded; browsers' Accept headers vary, so every type may be
      // binary. Text answers pass through unchanged, and the forms handler decodes base64 posted bodies.
      binaryMediaTypes: ['*/*'],
      deployOptions: {
        stageName: STAGE,
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

    this.limitEachClient(props.requestsPerClientPer5Minutes);
    const stack = Stack.of(this);
    if (props.domain) {
      this.api.addDomainName('Domain', {
        domainName: props.domain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
        endpointType: EndpointType.REGIONAL,
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      this.baseUrl = `https://${props.domain.domainName}/`;
    } else
      this.baseUrl = `https://${this.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${STAGE}/`;
  }

  /** A WAF rate-based rule on the stage: one client cannot use up the stage's throttle for everyone. */
  private limitEachClient(limit: number) {
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: false,
    });
    const acl = new CfnWebACL(this, 'PerClientLimit', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('FormsApi'),
      rules: [
        {
          name: 'RequestsPerClient',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit, evaluationWindowSec: 300 } },
          visibilityConfig: visibility('FormsApiRequestsPerClient'),
        },
      ],
    });
    new CfnWebACLAssociation(this, 'PerClientLimitOnStage', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: acl.attrArn,
    });
  }
}
