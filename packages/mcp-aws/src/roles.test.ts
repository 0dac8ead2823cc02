import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FAKE_CREDENTIALS, ROLE_MAP } from './__testUtils__/fixtures';
import { AwsResilience } from './resilience';
import { accountOf, loadRoleMap, RoleSessions } from './roles';
import { ALL_TOOL_NAMES } from './tools';

const sts = mockClient(STSClient);

describe('role map and role sessions', () => {
  let tmp: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pilothouse-mcp-aws-roles-'));
  });

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function write(name: string, text: string) {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    return file;
  }

  it('reads JSON and YAML, and rejects a value that is not a role ARN', () => {
    expect(
      loadRoleMap(
        write('roles.json', JSON.stringify(ROLE_MAP)),
        ALL_TOOL_NAMES,
      ),
    ).toEqual(ROLE_MAP);
    expect(
      loadRoleMap(
        write('roles.yaml', `default: ${ROLE_MAP.default}\n`),
        ALL_TOOL_NAMES,
      ),
    ).toEqual({ default: ROLE_MAP.default });
    expect(() =>
      loadRoleMap(
        write('bad.yaml', 'list_alarms: arn:aws:iam::123456789012:user/bob\n'),
        ALL_TOOL_NAMES,
      ),
    ).toThrow(/list_alarms: must be an IAM role ARN/);
    expect(accountOf(ROLE_MAP.start_runbook)).toBe('210987654321');
  });

  it('keeps the session name and tags within the characters AWS accepts', async () => {
    sts.reset();
    sts.on(AssumeRoleCommand).resolves({ Credentials: FAKE_CREDENTIALS });
    const sessions = new RoleSessions({
      roleMap: ROLE_MAP,
      sts: new STSClient({ region: 'eu-west-1' }),
      resilience: new AwsResilience({ logEvents: false }),
    });
    await sessions.credentials('list_alarms', 'Doe, Jane (SRE)');
    expect(sts.commandCalls(AssumeRoleCommand)[0].args[0].input).toMatchObject({
      RoleSessionName: 'pilothouse-Doe,-Jane--SRE-',
      Tags: [
        { Key: 'pilothouse-user', Value: 'Doe- Jane -SRE-' },
        { Key: 'pilothouse-tool', Value: 'list_alarms' },
      ],
    });
  });
});
