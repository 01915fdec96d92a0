import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { BUNDLING_STACKS, VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccreditationStack } from '../../infra/accreditation-stack.js';
import { buildApp } from '../../infra/app.js';

/**
 * cdk-nag 3 is a CDK policy-validation plugin, not an Aspect: it adds no annotations to the stack. CDK runs
 * it during synth, drops what `Validations.of(…).acknowledge` covers, writes the rest to the validation
 * report in the cloud assembly, and fails the synth if anything is left. These tests read that report.
 */
interface ValidationReport {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: ReportedViolation[];
    suppressedViolations?: (ReportedViolation & { reason: string })[];
  }[];
}
interface ReportedViolation {
  ruleName: string;
  severity: string;
  violatingConstructs: { constructPath: string }[];
}
interface Finding {
  rule: string;
  severity: string;
  path: string;
}

const outdirs: string[] = [];

/** Builds the app as infra/app.ts does, lets `change` alter the stack, synthesizes, and reads AwsSolutions' report. */
function synthWithNag(change?: (stack: AccreditationStack) => void, context: Record<string, string> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'pd-accreditation-nag-'));
  outdirs.push(outdir);
  // No esbuild bundling of each function's code: no AwsSolutions rule reads it, and on a busy machine it took minutes.
  const { app, stack } = buildApp(new App({ outdir, context: { ...context, [BUNDLING_STACKS]: [] } }));
  change?.(stack);
  let synthError: unknown;
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  const reportFile = join(outdir, VALIDATION_REPORT_FILE);
  const report: ValidationReport = existsSync(reportFile)
    ? JSON.parse(readFileSync(reportFile, 'utf8'))
    : { pluginReports: [] };
  const nag = report.pluginReports.find((r) => r.pluginName === 'AwsSolutions');
  const findings: Finding[] = (nag?.violations ?? []).flatMap((v) =>
    v.violatingConstructs.map((c) => ({ rule: v.ruleName, severity: v.severity, path: c.constructPath })),
  );
  return { synthError, nag, findings };
}

let compliant: ReturnType<typeof synthWithNag>;
let withUnsafeTopic: ReturnType<typeof synthWithNag>;
let withOwnDomain: ReturnType<typeof synthWithNag>;

beforeAll(() => {
  compliant = synthWithNag();
  // A topic that accepts publishing over plain HTTP: AwsSolutions-SNS3 must report it.
  withUnsafeTopic = synthWithNag((stack) => new Topic(stack, 'UnsafeTopic'));
  withOwnDomain = synthWithNag(undefined, {
    formsDomain: 'forms.example.org',
    formsCertificateArn:
      'arn:aws:acm:eu-west-2:111122223333:certificate/0f1e2d3c-aaaa-bbbb-cccc-444455556666',
  });
}, 240_000);

afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

describe('cdk-nag AwsSolutions checks', () => {
  it('run on the app and leave no unacknowledged error or warning', () => {
    expect(compliant.nag, 'the AwsSolutions report').toBeDefined();
    expect(compliant.findings).toEqual([]);
    expect(compliant.nag?.conclusion).toBe('success');
    expect(compliant.synthError).toBeUndefined();
  });

  it('leave none with the forms on a custom domain either', () => {
    expect(withOwnDomain.findings).toEqual([]);
    expect(withOwnDomain.nag?.conclusion).toBe('success');
    expect(withOwnDomain.synthError).toBeUndefined();
  });

  it('every acknowledged finding carries its reason', () => {
    const acknowledged = compliant.nag?.suppressedViolations ?? [];
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.filter((v) => v.reason.trim().length < 20).map((v) => v.ruleName)).toEqual([]);
  });

  it('report a deliberately non-compliant resource added to the same app, and fail the synth', () => {
    expect(withUnsafeTopic.findings).toContainEqual({
      rule: 'AwsSolutions-SNS3',
      severity: 'error',
      path: 'PdAccreditation/UnsafeTopic/Resource',
    });
    expect(
      withUnsafeTopic.findings.filter((f) => !f.path.startsWith('PdAccreditation/UnsafeTopic/')),
    ).toEqual([]);
    expect(withUnsafeTopic.nag?.conclusion).toBe('failure');
    expect(String(withUnsafeTopic.synthError)).toMatch(/AwsSolutions-SNS3/);
  });
});
