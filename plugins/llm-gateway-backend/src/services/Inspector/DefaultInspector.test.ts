import { TestDatabases } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import type { Principal } from '@pilothouse/plugin-llm-gateway-common';
import { createTestInspector, joinParts } from './__testUtils__/testInspector';

const alice: Principal = {
  ref: 'user:default/alice',
  type: 'user',
  groups: [],
};
const mallory: Principal = {
  ref: 'user:default/mallory',
  type: 'user',
  groups: [],
};
const GITHUB_TOKEN = joinParts('ghp_~~A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8');

describe('DefaultInspector', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function inspector(inspection: JsonObject = {}) {
    return createTestInspector(await databases.init('SQLITE_3'), inspection);
  }

  it('answers findings with type, span, confidence, action and data class', async () => {
    const subject = await inspector();
    const text = 'Mail alice@example.com or call +1 415-555-2671.';
    const outcome = await subject.inspect(text, {
      direction: 'input',
      principal: alice,
    });
    expect(outcome.findings).toEqual([
      expect.objectContaining({
        type: 'EMAIL',
        start: 5,
        end: 22,
        action: 'redact',
        dataClass: 'internal',
      }),
      expect.objectContaining({
        type: 'PHONE',
        start: 31,
        end: 46,
        action: 'redact',
        dataClass: 'internal',
      }),
    ]);
    for (const f of outcome.findings) {
      expect(f.confidence).toBeGreaterThan(0.5);
      expect(f.confidence).toBeLessThanOrEqual(1);
    }
    expect(outcome.text).toBe('Mail [EMAIL_1] or call [PHONE_1].');
    expect(outcome.blocked).toBe(false);
    expect(outcome.dataClass).toBe('internal');
  });

  it('blocks a secret on input and leaves the text as it was', async () => {
    const subject = await inspector();
    const text = `use token ${GITHUB_TOKEN} and mail bob@example.com`;
    const outcome = await subject.inspect(text, {
      direction: 'input',
      principal: alice,
    });
    expect(outcome.blocked).toBe(true);
    expect(outcome.text).toBe(text);
    expect(outcome.dataClass).toBe('restricted');
    expect(outcome.findings[0]).toMatchObject({
      type: 'SECRET',
      subtype: 'github-token',
      action: 'block',
    });
  });

  it('redacts a secret in output and allows contact details there', async () => {
    const subject = await inspector();
    const outcome = await subject.inspect(
      `owner bob@example.com, token ${GITHUB_TOKEN}`,
      {
        direction: 'output',
        principal: alice,
      },
    );
    expect(outcome.blocked).toBe(false);
    expect(outcome.text).toBe('owner bob@example.com, token [WITHHELD_SECRET_1]');
  });

  it('keeps one finding per span: a database URL is not also an email', async () => {
    const subject = await inspector();
    const url = joinParts(
      'postgres://orders_svc:Tr0ub4dor~~Zx9@db.prod.acme.io:5432/orders',
    );
    const outcome = await subject.inspect(`DATABASE_URL=${url}`, {
      direction: 'output',
      principal: alice,
    });
    expect(outcome.findings.map(f => [f.type, f.subtype])).toEqual([
      ['SECRET', 'db-url'],
    ]);
    expect(outcome.text).toBe('DATABASE_URL=[WITHHELD_SECRET_1]');
  });

  it('masks keeping the last four, and hashes with a keyed, stable digest', async () => {
    const subject = await inspector({
      hashKey: 'test-hash-key-not-secret',
      detectors: {
        CREDIT_CARD: { input: 'mask' },
        EMAIL: { input: 'hash' },
      },
    });
    const text =
      'card 4111 1111 1111 1111, mail Alice@Example.com and alice@example.com';
    const outcome = await subject.inspect(text, {
      direction: 'input',
      principal: alice,
    });
    const hashes = outcome.text.match(/\[EMAIL:[0-9a-f]{8}\]/g);
    expect(outcome.text).toMatch(
      /^card \*\*\*\*1111, mail \[EMAIL:[0-9a-f]{8}\] and \[EMAIL:[0-9a-f]{8}\]$/,
    );
    // Same address in two spellings: same hash.
    expect(hashes![0]).toBe(hashes![1]);

    // A different key gives a different hash: it is keyed, not a plain digest.
    const other = await inspector({
      hashKey: 'another-key',
      detectors: { EMAIL: { input: 'hash' } },
    });
    const again = await other.inspect('alice@example.com', {
      direction: 'input',
      principal: alice,
    });
    expect(again.text).not.toBe(hashes![0]);
  });

  it('allows per config: findings are reported but the text is unchanged', async () => {
    const subject = await inspector({
      detectors: { EMAIL: { input: 'allow' } },
    });
    const outcome = await subject.inspect('alice@example.com', {
      direction: 'input',
      principal: alice,
    });
    expect(outcome.text).toBe('alice@example.com');
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0].action).toBe('allow');
  });

  it('gives the same value the same placeholder in a conversation and restores it only for its sender', async () => {
    const subject = await inspector();
    const context = {
      direction: 'input' as const,
      principal: alice,
      conversationId: 'conv-1',
    };
    const first = await subject.inspect(
      'Ask Maria Garcia at maria@example.com',
      context,
    );
    const second = await subject.inspect(
      'Also cc bob@example.com and MARIA@example.com again',
      context,
    );
    expect(first.text).toBe('Ask [PERSON_1] at [EMAIL_1]');
    expect(second.text).toBe('Also cc [EMAIL_2] and [EMAIL_1] again');

    const answer =
      'I wrote to [EMAIL_1] and [EMAIL_2] for [PERSON_1]; [EMAIL_9] is unknown.';
    expect(
      await subject.restore(answer, {
        principal: alice,
        conversationId: 'conv-1',
      }),
    ).toBe(
      'I wrote to maria@example.com and bob@example.com for Maria Garcia; [EMAIL_9] is unknown.',
    );
    // Another user, even with the same conversation id, gets nothing back.
    expect(
      await subject.restore(answer, {
        principal: mallory,
        conversationId: 'conv-1',
      }),
    ).toBe(answer);
    // Nor does the sender in another conversation.
    expect(
      await subject.restore(answer, {
        principal: alice,
        conversationId: 'conv-2',
      }),
    ).toBe(answer);
  });

  it('numbers placeholders per conversation, and within one text when there is none', async () => {
    const subject = await inspector();
    const other = await subject.inspect('bob@example.com', {
      direction: 'input',
      principal: alice,
      conversationId: 'conv-other',
    });
    expect(other.text).toBe('[EMAIL_1]');
    const loose = await subject.inspect(
      'a@example.com b@example.com a@example.com',
      {
        direction: 'input',
        principal: alice,
      },
    );
    expect(loose.text).toBe('[EMAIL_1] [EMAIL_2] [EMAIL_1]');
    expect(await subject.restore(loose.text, { principal: alice })).toBe(
      loose.text,
    );
  });

  it('applies custom regex and dictionary rules with their data class', async () => {
    const subject = await inspector({
      rules: [
        {
          name: 'EMPLOYEE_ID',
          pattern: 'EMP-\\d{6}',
          dataClass: 'confidential',
          actions: { input: 'redact', output: 'mask' },
        },
        {
          name: 'PROJECT_CODENAME',
          dictionary: ['Blue Falcon', 'Nightjar'],
          dataClass: 'restricted',
          actions: { input: 'block', output: 'redact' },
        },
      ],
    });
    const redacted = await subject.inspect('employee EMP-123456 reported it', {
      direction: 'input',
      principal: alice,
    });
    expect(redacted.text).toBe('employee [EMPLOYEE_ID_1] reported it');
    expect(redacted.dataClass).toBe('confidential');
    expect(redacted.findings[0]).toMatchObject({
      type: 'EMPLOYEE_ID',
      dataClass: 'confidential',
    });

    const blocked = await subject.inspect('status of blue falcon?', {
      direction: 'input',
      principal: alice,
    });
    expect(blocked.blocked).toBe(true);
    expect(blocked.dataClass).toBe('restricted');
    // Whole words only.
    const partial = await subject.inspect('Nightjars are birds', {
      direction: 'input',
      principal: alice,
    });
    expect(partial.findings).toEqual([]);

    const output = await subject.inspect('ticket for EMP-654321 and Nightjar', {
      direction: 'output',
      principal: alice,
    });
    expect(output.text).toBe('ticket for ****4321 and [WITHHELD_PROJECT_CODENAME_1]');
  });

  it('refuses bad rules with an InputError naming the rule, and keeps the old ones', async () => {
    const subject = await inspector();
    await subject.setRules(
      [
        {
          name: 'TICKET',
          pattern: 'TCK-\\d+',
          dataClass: 'internal',
          actions: { input: 'redact', output: 'allow' },
        },
      ],
      'user:default/admin',
    );
    await expect(
      subject.setRules(
        [
          {
            name: 'BROKEN_RULE',
            pattern: '([a-z',
            dataClass: 'internal',
            actions: { input: 'redact', output: 'allow' },
          },
        ],
        'user:default/admin',
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('BROKEN_RULE'),
    });
    await expect(
      subject.setRules(
        [
          {
            name: 'EMPTY',
            pattern: 'x*',
            dataClass: 'internal',
            actions: { input: 'redact', output: 'allow' },
          },
        ],
        'user:default/admin',
      ),
    ).rejects.toThrow(/EMPTY: pattern matches the empty string/);
    await expect(
      subject.setRules(
        [
          {
            name: 'SLOW',
            pattern: '(\\w+\\s?)+:',
            dataClass: 'internal',
            actions: { input: 'redact', output: 'allow' },
          },
        ],
        'user:default/admin',
      ),
    ).rejects.toThrow(/SLOW: pattern has nested repetition/);
    await expect(
      subject.setRules(
        [
          {
            name: 'EMAIL',
            dictionary: ['x'],
            dataClass: 'internal',
            actions: { input: 'redact', output: 'allow' },
          },
        ],
        'user:default/admin',
      ),
    ).rejects.toThrow(/EMAIL: the name of a built-in detector/);
    expect((await subject.rules()).map(r => r.name)).toEqual(['TICKET']);
    const outcome = await subject.inspect('see TCK-42', {
      direction: 'input',
      principal: alice,
    });
    expect(outcome.text).toBe('see [TICKET_1]');
  });

  it('fails at start on a bad configured rule, naming it', async () => {
    await expect(
      inspector({
        rules: [
          {
            name: 'BAD_ONE',
            pattern: '(',
            dataClass: 'internal',
            actions: { input: 'redact', output: 'allow' },
          },
        ],
      }),
    ).rejects.toThrow(/DLP rule BAD_ONE: invalid pattern/);
  });

  it('reads national numbers in the configured region, and refuses an unknown one', async () => {
    const german = await inspector({ phoneRegion: 'DE' });
    const outcome = await german.inspect('Festnetz (030) 12345678', {
      direction: 'input',
      principal: alice,
    });
    expect(outcome.text).toBe('Festnetz [PHONE_1]');
    await expect(inspector({ phoneRegion: 'XX' })).rejects.toThrow(
      /phoneRegion: XX is not a region/,
    );
  });

  it('persists detector changes, which a new instance on the same database sees', async () => {
    const knex = await databases.init('SQLITE_3');
    const first = await createTestInspector(knex);
    await first.setDetector(
      {
        type: 'EMAIL',
        builtin: true,
        enabled: false,
        actions: { input: 'redact', output: 'allow' },
        minConfidence: 0.5,
      },
      'user:default/admin',
    );
    const second = await createTestInspector(knex);
    const email = (await second.detectors()).find(d => d.type === 'EMAIL');
    expect(email).toMatchObject({ enabled: false, builtin: true });
    const outcome = await second.inspect('alice@example.com', {
      direction: 'input',
      principal: alice,
    });
    expect(outcome.findings).toEqual([]);

    await expect(
      second.setDetector(
        {
          type: 'NOPE',
          builtin: true,
          enabled: true,
          actions: { input: 'allow', output: 'allow' },
          minConfidence: 0,
        },
        'user:default/admin',
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      second.setDetector(
        {
          type: 'PHONE',
          builtin: true,
          enabled: true,
          actions: { input: 'shred' as any, output: 'allow' },
          minConfidence: 0,
        },
        'user:default/admin',
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('actions.input'),
    });
  });

  it('lists built-in detectors and custom rules with their defaults', async () => {
    const subject = await inspector({
      rules: [
        {
          name: 'TICKET',
          pattern: 'TCK-\\d+',
          dataClass: 'internal',
          actions: { input: 'redact', output: 'allow' },
        },
      ],
    });
    const settings = await subject.detectors();
    expect(settings.find(s => s.type === 'SECRET')).toMatchObject({
      builtin: true,
      enabled: true,
      actions: { input: 'block', output: 'redact' },
    });
    expect(settings.find(s => s.type === 'TICKET')).toMatchObject({
      builtin: false,
    });
    expect(settings.filter(s => s.builtin)).toHaveLength(9);
  });

  it('seeds configured rules once: an admin who deletes them all keeps none', async () => {
    const knex = await databases.init('SQLITE_3');
    const rules = [
      {
        name: 'TICKET',
        pattern: 'TCK-\\d+',
        dataClass: 'internal',
        actions: { input: 'redact', output: 'allow' },
      },
    ];
    const first = await createTestInspector(knex, { rules });
    expect((await first.rules()).map(r => r.name)).toEqual(['TICKET']);
    await first.setRules([], 'user:default/admin');
    const second = await createTestInspector(knex, { rules });
    expect(await second.rules()).toEqual([]);
  });

  it('does not flag numbers and log lines as persons', async () => {
    const subject = await inspector();
    const log = [
      '2024-01-15T10:23:45.123Z ERROR [main] PaymentService - Connection Refused (attempt 3/5)',
      'WARN 4521 --- [nio-8080-exec-1] o.s.w.s.DispatcherServlet : Completed 500 INTERNAL_SERVER_ERROR',
      'Deployment payments-api Scaled Up Replica Set payments-api-7d9f8b6c5 To 3',
    ].join('\n');
    const outcome = await subject.inspect(log, {
      direction: 'input',
      principal: alice,
    });
    expect(outcome.findings.filter(f => f.type === 'PERSON')).toEqual([]);
  });
});
