import type { LogEvent } from '@pilothouse/plugin-log-search-common';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  AI_TRAFFIC_PACK,
  cloudTrail,
  kubernetesAudit,
  SIGMA_FIXTURES,
} from '../__testUtils__/events';
import { EventFields } from './eventFields';
import { LoadedPack, loadRulePack } from './loadPacks';
import type { SigmaDetectionRule } from './rules';

const KUBERNETES = path.join(SIGMA_FIXTURES, 'rules/application/kubernetes');
const CLOUDTRAIL = path.join(SIGMA_FIXTURES, 'rules/cloud/aws/cloudtrail');

let kubernetes: LoadedPack;
let aws: LoadedPack;

beforeAll(async () => {
  kubernetes = await loadRulePack({ name: 'kubernetes', path: KUBERNETES });
  aws = await loadRulePack({ name: 'aws-cloudtrail', path: CLOUDTRAIL });
});

function report(pack: LoadedPack) {
  const supported = pack.rules.filter(r => !r.unsupported);
  return {
    pack: pack.name,
    files: pack.rules.length + pack.errors.length,
    parsed: pack.rules.length,
    supported: supported.length,
    unsupported: pack.rules
      .filter(r => r.unsupported)
      .map(r => `${r.file}: ${r.unsupported}`),
    invalid: pack.errors.map(e => `${e.file}: ${e.error}`),
  };
}

/** The rules (by file name) that match an event. */
function firing(event: LogEvent, ...packs: LoadedPack[]): string[] {
  const fields = new EventFields(event);
  return packs
    .flatMap(p => p.rules)
    .filter(
      (r): r is SigmaDetectionRule =>
        r.kind === 'detection' &&
        !!r.match &&
        !!r.mapping &&
        r.mapping.appliesTo(fields) &&
        r.match(fields),
    )
    .map(r => path.basename(r.file, '.yml'));
}

describe('SigmaHQ rules for Kubernetes audit logs and AWS CloudTrail', () => {
  it('parse and are supported (measured: Kubernetes 16 of 16, CloudTrail 57 of 57)', () => {
    const reports = [report(kubernetes), report(aws)];
    process.stdout.write(
      `Sigma loading report:\n${JSON.stringify(reports, null, 2)}\n`,
    );
    const [k8s, cloud] = reports;
    expect(k8s.files).toBe(16);
    expect(k8s.parsed).toBeGreaterThanOrEqual(16);
    expect(k8s.supported).toBeGreaterThanOrEqual(16);
    expect(cloud.files).toBe(57);
    expect(cloud.parsed).toBeGreaterThanOrEqual(57);
    expect(cloud.supported).toBeGreaterThanOrEqual(57);
    // Every rule keeps its ATT&CK tags.
    const secrets = kubernetes.rules.find(r =>
      r.file.endsWith('kubernetes_audit_secrets_enumeration.yml'),
    );
    expect(secrets?.attack).toEqual([
      'attack.t1552.007',
      'attack.credential-access',
    ]);
  });

  it.each([
    [
      'kubernetes_audit_secrets_enumeration',
      { verb: 'list', 'objectRef.resource': 'secrets' },
      { verb: 'get', 'objectRef.resource': 'secrets' },
    ],
    [
      'kubernetes_audit_exec_into_container',
      {
        verb: 'create',
        'objectRef.resource': 'pods',
        'objectRef.subresource': 'exec',
      },
      {
        verb: 'create',
        'objectRef.resource': 'pods',
        'objectRef.subresource': 'log',
      },
    ],
    [
      'kubernetes_audit_hostpath_mount',
      {
        verb: 'create',
        'objectRef.resource': 'pods',
        requestObject: {
          spec: { volumes: [{ name: 'root', hostPath: { path: '/' } }] },
        },
      },
      {
        verb: 'create',
        'objectRef.resource': 'pods',
        requestObject: { spec: { volumes: [{ name: 'tmp', emptyDir: {} }] } },
      },
    ],
    [
      'kubernetes_audit_privileged_pod_creation',
      {
        verb: 'create',
        'objectRef.resource': 'pods',
        'requestObject.spec.containers.0.securityContext.capabilities.add.0':
          'SYS_ADMIN',
      },
      {
        verb: 'create',
        'objectRef.resource': 'pods',
        'requestObject.spec.containers.0.image': 'nginx',
      },
    ],
    [
      'kubernetes_audit_potential_enumeration_activity',
      { 'responseStatus.code': 'ALLOW', userAgent: 'trufflehog/3.0' },
      { 'responseStatus.code': 'ALLOW', userAgent: 'kubectl/v1.30' },
    ],
    [
      'kubernetes_audit_unauthorized_unauthenticated_actions',
      { 'responseStatus.code': 403 },
      { 'responseStatus.code': 200 },
    ],
    [
      'kubernetes_audit_rolebinding_modification',
      {
        'objectRef.apiGroup': 'rbac.authorization.k8s.io',
        'objectRef.resource': 'clusterrolebindings',
        verb: 'patch',
      },
      {
        'objectRef.apiGroup': 'rbac.authorization.k8s.io',
        'objectRef.resource': 'clusterrolebindings',
        verb: 'get',
      },
    ],
  ])(
    'Kubernetes %s: a crafted audit event matches, a near miss does not',
    (rule, hit, miss) => {
      expect(firing(kubernetesAudit(hit), kubernetes)).toContain(rule);
      expect(firing(kubernetesAudit(miss), kubernetes)).not.toContain(rule);
    },
  );

  it.each([
    [
      'aws_cloudtrail_disable_logging',
      { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' },
      { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StartLogging' },
    ],
    [
      'aws_root_account_usage',
      {
        eventSource: 'iam.amazonaws.com',
        eventName: 'CreateUser',
        'userIdentity.type': 'Root',
        eventType: 'AwsApiCall',
      },
      {
        eventSource: 'iam.amazonaws.com',
        eventName: 'CreateUser',
        'userIdentity.type': 'Root',
        eventType: 'AwsServiceEvent',
      },
    ],
    [
      'aws_cloudtrail_console_login_success_without_mfa',
      {
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        additionalEventData: { MFAUsed: 'No' },
        responseElements: { ConsoleLogin: 'Success' },
      },
      {
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        additionalEventData: { MFAUsed: 'Yes' },
        responseElements: { ConsoleLogin: 'Success' },
      },
    ],
    [
      'aws_enum_buckets',
      {
        eventSource: 's3.amazonaws.com',
        eventName: 'ListBuckets',
        'userIdentity.type': 'IAMUser',
      },
      {
        eventSource: 's3.amazonaws.com',
        eventName: 'ListBuckets',
        'userIdentity.type': 'AssumedRole',
      },
    ],
    [
      'aws_cloudtrail_imds_malicious_usage',
      {
        eventSource: 's3.amazonaws.com',
        eventName: 'GetObject',
        'userIdentity.arn':
          'arn:aws:sts::123456789012:assumed-role/aws:ec2-instance/i-0abc',
      },
      {
        eventSource: 'ssm.amazonaws.com',
        eventName: 'GetObject',
        'userIdentity.arn':
          'arn:aws:sts::123456789012:assumed-role/aws:ec2-instance/i-0abc',
      },
    ],
    [
      'aws_update_login_profile',
      {
        eventSource: 'iam.amazonaws.com',
        eventName: 'UpdateLoginProfile',
        'userIdentity.arn': 'arn:aws:iam::123456789012:user/mallory',
        'requestParameters.userName': 'alice',
      },
      {
        eventSource: 'iam.amazonaws.com',
        eventName: 'UpdateLoginProfile',
        'userIdentity.arn': 'arn:aws:iam::123456789012:user/alice',
        'requestParameters.userName': 'arn:aws:iam::123456789012:user/alice',
      },
    ],
    [
      'aws_sts_getcalleridentity_trufflehog',
      {
        eventSource: 'sts.amazonaws.com',
        eventName: 'GetCallerIdentity',
        userAgent: 'TruffleHog',
      },
      {
        eventSource: 'sts.amazonaws.com',
        eventName: 'GetCallerIdentity',
        userAgent: 'aws-cli/2.15',
      },
    ],
    [
      'aws_new_lambda_layer_attached',
      {
        eventSource: 'lambda.amazonaws.com',
        eventName: 'UpdateFunctionConfiguration20150331v2',
        requestParameters: {
          layers: ['arn:aws:lambda:eu-west-1:123456789012:layer:x:1'],
        },
      },
      {
        eventSource: 'lambda.amazonaws.com',
        eventName: 'UpdateFunctionConfiguration20150331v2',
        requestParameters: { timeout: 30 },
      },
    ],
  ])(
    'CloudTrail %s: a crafted record matches, a near miss does not',
    (rule, hit, miss) => {
      expect(firing(cloudTrail(hit), aws)).toContain(rule);
      expect(firing(cloudTrail(miss), aws)).not.toContain(rule);
    },
  );

  it('keeps each log source to its own events', () => {
    // A CloudTrail-shaped field in a Kubernetes audit event fires no AWS rule, and the reverse.
    expect(firing(kubernetesAudit({ eventName: 'StopLogging' }), aws)).toEqual(
      [],
    );
    expect(
      firing(
        cloudTrail({
          eventSource: 'x',
          eventName: 'y',
          verb: 'list',
          'objectRef.resource': 'secrets',
        }),
        kubernetes,
      ),
    ).toEqual([]);
  });
});

describe('the Sigma specification JSON schemas', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const schemas = path.join(SIGMA_FIXTURES, 'json-schema');
  const read = (file: string) =>
    JSON.parse(fs.readFileSync(path.join(schemas, file), 'utf8'));
  const detectionSchema = ajv.compile(read('sigma-detection-rule-schema.json'));
  const correlationSchema = ajv.compile(
    read('sigma-correlation-rules-schema.json'),
  );

  it('accept every rule of the AI traffic pack', () => {
    const files = fs
      .readdirSync(AI_TRAFFIC_PACK)
      .filter(f => f.endsWith('.yml'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    let documents = 0;
    for (const file of files) {
      for (const doc of parseAllDocuments(
        fs.readFileSync(path.join(AI_TRAFFIC_PACK, file), 'utf8'),
      )) {
        const rule = doc.toJS();
        const validate =
          'correlation' in rule ? correlationSchema : detectionSchema;
        const valid = validate(rule);
        expect({
          file,
          title: rule.title,
          errors: valid ? null : validate.errors,
        }).toEqual({
          file,
          title: rule.title,
          errors: null,
        });
        documents++;
      }
    }
    expect(documents).toBeGreaterThanOrEqual(10);
  });

  it('agree with our parser on the SigmaHQ rules', () => {
    for (const pack of [kubernetes, aws]) {
      for (const rule of pack.rules) {
        const text = fs.readFileSync(path.join(pack.path, rule.file), 'utf8');
        expect({
          file: rule.file,
          valid: detectionSchema(parseAllDocuments(text)[0].toJS()),
        }).toEqual({
          file: rule.file,
          valid: true,
        });
      }
    }
  });
});
