import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import fs from 'node:fs';
import path from 'node:path';

export const packageDir = path.resolve(__dirname, '../..');
export const catalogPath = path.resolve(
  packageDir,
  '../../catalog/components.yaml',
);

/** Obviously fake roles; 210987654321 is a second, out-of-scope account. */
export const ROLE_MAP = {
  default: 'arn:aws:iam::123456789012:role/pilothouse-readonly',
  scale_ecs_service: 'arn:aws:iam::123456789012:role/pilothouse-ecs-scaler',
  start_runbook: 'arn:aws:iam::210987654321:role/pilothouse-runbooks',
};

/** What the mocked sts:AssumeRole hands out; never to be seen in a result. */
export const FAKE_CREDENTIALS = {
  AccessKeyId: 'ASIAFAKEFAKEFAKEFAKE',
  SecretAccessKey: 'fake-secret-key-do-not-leak',
  SessionToken: 'fake-session-token-do-not-leak',
  Expiration: new Date(Date.now() + 3_600_000),
};

/** An error shaped as the AWS SDK throws them. */
export function awsException(name: string, status: number, message = name) {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

/** Tool names as the README's "Tools" table lists them. */
export function readmeToolNames(): string[] {
  const readme = fs.readFileSync(path.join(packageDir, 'README.md'), 'utf8');
  const section = readme.split('## Tools')[1].split('\n## ')[0];
  return [...section.matchAll(/^\| `([a-z0-9_]+)`/gm)].map(m => m[1]);
}

/** The README's Tools table: annotations as yes/no and the IAM actions. */
export function readmeToolRows(): Array<{
  name: string;
  readOnly: boolean;
  destructive: boolean;
  idempotent: boolean;
  permissions: string[];
}> {
  const readme = fs.readFileSync(path.join(packageDir, 'README.md'), 'utf8');
  const section = readme.split('## Tools')[1].split('\n## ')[0];
  return section
    .split('\n')
    .filter(line => /^\| `[a-z0-9_]+`/.test(line))
    .map(line => {
      const cells = line.split('|').map(c => c.trim());
      return {
        name: cells[1].replace(/`/g, ''),
        readOnly: cells[3] === 'yes',
        destructive: cells[4] === 'yes',
        idempotent: cells[5] === 'yes',
        permissions: [...cells[6].matchAll(/`([a-z0-9]+:\w+)`/g)].map(
          m => m[1],
        ),
      };
    });
}

export const READ_ONLY_TOOLS = [
  'list_ec2_instances',
  'describe_ecs_service',
  'list_lambda_functions',
  'list_rds_instances',
  'list_alarms',
  'list_runbooks',
  'triage_incident',
];

export function textOf(
  result: Awaited<ReturnType<Client['callTool']>>,
): string {
  return (result.content as Array<{ type: string; text?: string }>)
    .map(c => c.text ?? '')
    .join('\n');
}

export function newClient() {
  return new Client({ name: 'pilothouse-test', version: '0.0.0' });
}

/** argv that runs this server's TypeScript entry point directly with node. */
export function serverCommand(args: string[]): {
  command: string;
  args: string[];
} {
  return {
    command: process.execPath,
    args: [
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      path.join(packageDir, 'src/index.ts'),
      ...args,
    ],
  };
}
