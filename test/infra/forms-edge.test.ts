import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS, FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.js';
import { flatten } from '../support/template.js';

/**
 * The forms' edge on AWS: every link on the configured URL (the API's own, or a custom domain's), a WAF
 * rule that limits each client, and the deploy-time context that sets them.
 */
const outdirs: string[] = [];
function synth(context: Record<string, string> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'pd-accreditation-edge-'));
  outdirs.push(outdir);
  const app = new App({
    outdir,
    context: { ...context, [FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT]: false, [BUNDLING_STACKS]: [] },
  });
  return Template.fromStack(buildApp(app).stack);
}
afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

const certificateArn = 'arn:aws:acm:eu-west-2:111122223333:certificate/0f1e2d3c-aaaa-bbbb-cccc-444455556666';
let plain: Template;
let ownDomain: Template;
beforeAll(() => {
  plain = synth();
  ownDomain = synth({
    formsDomain: 'forms.example.org',
    formsCertificateArn: certificateArn,
    formsRateLimit: '120',
  });
}, 240_000);

const only = (template: Template, type: string) => {
  const found = Object.entries(template.findResources(type));
  expect(found, type).toHaveLength(1);
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are free-form JSON
  return found[0] as [string, { Properties: Record<string, any> }];
};
/** FORMS_BASE_URL of every function, flattened. */
const baseUrls = (template: Template) =>
  Object.values(template.findResources('AWS::Lambda::Function')).map((fn) =>
    flatten(fn.Properties.Environment.Variables.FORMS_BASE_URL),
  );

describe('without a custom domain', () => {
  it("every function's links use the API's own address and stage, never a placeholder", () => {
    const [restApi] = only(plain, 'AWS::ApiGateway::RestApi');
    const urls = baseUrls(plain);
    expect(urls.length).toBeGreaterThan(0);
    expect(new Set(urls)).toEqual(
      new Set([`https://<${restApi}>.execute-api.<AWS::Region>.<AWS::URLSuffix>/forms/`]),
    );
    expect(plain.findResources('AWS::ApiGateway::DomainName')).toEqual({});
  });

  it('a WAF rule blocks a client (IP address) past 300 requests in 5 minutes, on the forms stage', () => {
    const [acl, { Properties: web }] = only(plain, 'AWS::WAFv2::WebACL');
    expect(web).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    expect(web.Rules).toEqual([
      expect.objectContaining({
        Action: { Block: {} },
        Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 300, EvaluationWindowSec: 300 } },
      }),
    ]);
    const [, { Properties: association }] = only(plain, 'AWS::WAFv2::WebACLAssociation');
    const [stage] = only(plain, 'AWS::ApiGateway::Stage');
    expect(association.WebACLArn).toEqual({ 'Fn::GetAtt': [acl, 'Arn'] });
    expect(flatten(association.ResourceArn)).toMatch(
      /^arn:<AWS::Partition>:apigateway:<AWS::Region>::\/restapis\/<\w+>\/stages\/<(\w+)>$/,
    );
    expect(flatten(association.ResourceArn)).toContain(`<${stage}>`);
  });
});

describe('with -c formsDomain and -c formsCertificateArn', () => {
  it('the domain maps to the forms stage with its ACM certificate and TLS 1.2', () => {
    const [domain, { Properties }] = only(ownDomain, 'AWS::ApiGateway::DomainName');
    expect(Properties).toMatchObject({
      DomainName: 'forms.example.org',
      RegionalCertificateArn: certificateArn,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    const [, { Properties: mapping }] = only(ownDomain, 'AWS::ApiGateway::BasePathMapping');
    const [stage] = only(ownDomain, 'AWS::ApiGateway::Stage');
    expect(mapping).toMatchObject({ DomainName: { Ref: domain }, Stage: { Ref: stage } });
    expect(mapping.BasePath).toBeUndefined();
  });

  it("every function's links, and so certificates' addresses, use the domain, and the stack says so", () => {
    expect(new Set(baseUrls(ownDomain))).toEqual(new Set(['https://forms.example.org/']));
    expect(ownDomain.toJSON().Outputs.FormsUrl.Value).toBe('https://forms.example.org/');
  });

  it('-c formsRateLimit sets the per-client limit', () => {
    const [, { Properties: web }] = only(ownDomain, 'AWS::WAFv2::WebACL');
    expect(web.Rules[0].Statement.RateBasedStatement.Limit).toBe(120);
  });

  it('a domain without its certificate, or a limit WAF cannot count, is refused at synth', () => {
    expect(() => synth({ formsDomain: 'forms.example.org' })).toThrow(/formsCertificateArn/);
    expect(() => synth({ formsRateLimit: '5' })).toThrow(/formsRateLimit must be .* at least 10: not 5/);
  });
});
