import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseConversationStore } from './DatabaseConversationStore';
import { applyMigrations, migrationsDirectory } from './migrations';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe('DatabaseConversationStore', () => {
  it.each(databases.eachSupportedId())(
    'keeps each conversation to its owner, and messages in order (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      const store = DatabaseConversationStore.create({ knex });

      const mine = await store.createConversation('user:default/alice', {
        title: 'Scale payments',
        entityRef: 'component:default/payments',
      });
      await store.createConversation('user:default/bob', { title: "Bob's" });

      expect(
        (await store.listConversations('user:default/alice')).map(c => c.title),
      ).toEqual(['Scale payments']);
      expect(await store.getConversation('user:default/bob', mine.id)).toBe(
        undefined,
      );
      expect(await store.deleteConversation('user:default/bob', mine.id)).toBe(
        false,
      );

      await store.appendMessage(mine.id, { role: 'user', text: 'scale it' });
      const answer = await store.appendMessage(mine.id, {
        role: 'assistant',
        text: '',
        status: 'running',
      });
      await store.updateMessage(answer.id, {
        text: 'Waiting for approval.',
        status: 'awaiting_approval',
        approvalId: 'approval-1',
        toolCalls: [
          {
            id: 'toolu_1',
            tool: 'kubernetes.scale_deployment',
            arguments: { replicas: 5 },
            status: 'awaiting_approval',
          },
        ],
        turnState: { transcript: [], pending: [], results: [], steps: 1 },
      });

      const messages = await store.listMessages(mine.id);
      expect(messages.map(m => [m.message.role, m.message.text])).toEqual([
        ['user', 'scale it'],
        ['assistant', 'Waiting for approval.'],
      ]);
      expect(messages[1]).toMatchObject({
        approvalId: 'approval-1',
        turnState: { steps: 1 },
        message: {
          status: 'awaiting_approval',
          toolCalls: [{ id: 'toolu_1', status: 'awaiting_approval' }],
        },
      });
      expect(await store.findByApproval('approval-1')).toEqual({
        owner: 'user:default/alice',
        conversationId: mine.id,
        messageId: answer.id,
      });

      expect(
        await store.deleteConversation('user:default/alice', mine.id),
      ).toBe(true);
      expect(await store.listMessages(mine.id)).toEqual([]);
      expect(await store.findByApproval('approval-1')).toBe(undefined);
    },
  );

  it.each(databases.eachSupportedId())(
    '20261127a_conversations goes up and down (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      expect(await knex.schema.hasTable('ai_assistant_messages')).toBe(true);
      await knex.migrate.down({ directory: migrationsDirectory });
      expect(await knex.schema.hasTable('ai_assistant_messages')).toBe(false);
      expect(await knex.schema.hasTable('ai_assistant_conversations')).toBe(
        false,
      );
      await knex.migrate.up({ directory: migrationsDirectory });
      expect(await knex.schema.hasTable('ai_assistant_conversations')).toBe(
        true,
      );
    },
  );
});
