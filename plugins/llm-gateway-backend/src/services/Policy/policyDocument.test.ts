import { repoPolicies } from '../../__fixtures__/repository';
import { compilePolicy } from './policyDocument';

function policy(rules: string, name = 'team'): string {
  return `apiVersion: pilothouse.dev/v1alpha1
kind: GatewayPolicy
metadata:
  name: ${name}
spec:
  rules:
${rules}`;
}

describe('compilePolicy', () => {
  it('accepts the repository policies', () => {
    const policies = repoPolicies();
    expect(policies.map(p => p.name)).toEqual(['access', 'guardrails']);
    for (const { name, source } of policies) {
      const result = compilePolicy(name, source);
      expect(result.errors).toEqual([]);
      expect(result.policy?.rules.length).toBeGreaterThan(0);
    }
  });

  it('gives the line of a YAML syntax error', () => {
    const source = policy(`    - name: a
      when: "true"
      decision: [allow
`);
    const { errors } = compilePolicy('team', source);
    expect(errors).toHaveLength(1);
    expect(errors[0].line).toBeGreaterThanOrEqual(9);
    expect(errors[0].message).toMatch(/flow sequence|\]/i);
  });

  it('gives the line and path of a wrong field', () => {
    const source = policy(`    - name: a
      when: "true"
      decision: permit
`);
    expect(compilePolicy('team', source).errors).toEqual([
      expect.objectContaining({
        line: 9,
        path: 'spec.rules.0.decision',
        message: expect.stringMatching(/allow.*deny.*ask/),
      }),
    ]);
  });

  it('points at an unknown key', () => {
    const source = policy(`    - name: a
      when: "true"
      decision: allow
      approvel: confirm
`);
    expect(compilePolicy('team', source).errors).toEqual([
      expect.objectContaining({ line: 10, path: 'spec.rules.0.approvel' }),
    ]);
  });

  it('gives the line of the when: whose CEL does not parse', () => {
    const source = policy(`    - name: first
      when: "true"
      decision: allow
    - name: second
      when: request.kind == 
      decision: deny
`);
    expect(compilePolicy('team', source).errors).toEqual([
      {
        line: 11,
        path: 'spec.rules.1.when',
        message: expect.stringMatching(/^CEL: .*EOF/),
      },
    ]);
  });

  it('refuses unknown variables and misspelt fields when saved, not when evaluated', () => {
    const source = policy(`    - name: typo
      when: request.tool.destrutive
      decision: deny
    - name: unknown
      when: user.name == "alice"
      decision: allow
`);
    expect(compilePolicy('team', source).errors).toEqual([
      expect.objectContaining({
        line: 8,
        message: expect.stringContaining('destrutive'),
      }),
      expect.objectContaining({
        line: 11,
        message: expect.stringContaining('Unknown variable: user'),
      }),
    ]);
  });

  it('refuses a condition that is not a boolean', () => {
    const source = policy(`    - name: count
      when: size(principal.groups)
      decision: allow
`);
    expect(compilePolicy('team', source).errors).toEqual([
      expect.objectContaining({
        line: 8,
        message: expect.stringContaining('must be a boolean'),
      }),
    ]);
  });

  it('refuses a condition that reads an optional field without has()', () => {
    const source = policy(`    - name: production
      when: request.entity.lifecycle == "production"
      decision: deny
`);
    expect(compilePolicy('team', source).errors).toEqual([
      expect.objectContaining({
        line: 8,
        path: 'spec.rules.0.when',
        message: expect.stringMatching(/No such key: entity.*has\(\)/),
      }),
    ]);
  });

  it('checks names, duplicate rules and approval', () => {
    const source = policy(
      `    - name: a
      when: "true"
      decision: allow
      approval: confirm
    - name: a
      when: "false"
      decision: deny
`,
      'other',
    );
    const { errors } = compilePolicy('team', source);
    expect(errors).toEqual([
      expect.objectContaining({
        line: 10,
        path: 'spec.rules.0.approval',
        message: 'approval applies only to rules whose decision is ask',
      }),
    ]);
    const fixed = source.replace('      approval: confirm\n', '');
    expect(compilePolicy('team', fixed).errors).toEqual([
      expect.objectContaining({ line: 4, path: 'metadata.name' }),
      expect.objectContaining({
        line: 10,
        path: 'spec.rules.1.name',
        message: 'rule name "a" is used twice',
      }),
    ]);
    expect(compilePolicy('Team!', fixed).errors[0].message).toMatch(
      /not a valid policy name/,
    );
  });

  it('makes an ask without a mode need a second person', () => {
    const result = compilePolicy(
      'team',
      policy(`    - name: a
      when: "true"
      decision: ask
`),
    );
    expect(result.policy?.rules[0]).toMatchObject({
      decision: 'ask',
      approval: 'approval',
    });
  });
});
