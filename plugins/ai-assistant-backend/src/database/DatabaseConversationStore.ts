import { NotFoundError } from '@backstage/errors';
import type {
  AssistantMessage,
  Conversation,
} from '@pilothouse/plugin-ai-assistant-common';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type {
  ConversationStore,
  MessagePatch,
  NewMessage,
  StoredMessage,
} from '../services/types';

const CONVERSATIONS = 'ai_assistant_conversations';
const MESSAGES = 'ai_assistant_messages';

type ConversationRow = {
  id: string;
  owner: string;
  title: string;
  entity_ref: string | null;
  created_at: string;
  updated_at: string;
};

type MessageRow = {
  id: string;
  conversation_id: string;
  position: number;
  role: string;
  text: string;
  tool_calls: string;
  status: string | null;
  entity_ref: string | null;
  error: string | null;
  approval_id: string | null;
  turn_state: string | null;
  created_at: string;
};

function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    title: row.title,
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toMessage(row: MessageRow): AssistantMessage {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    role: row.role as AssistantMessage['role'],
    text: row.text,
    toolCalls: JSON.parse(row.tool_calls),
    ...(row.status ? { status: row.status as AssistantMessage['status'] } : {}),
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
    ...(row.error ? { error: JSON.parse(row.error) } : {}),
    createdAt: row.created_at,
  };
}

/** Conversations in the plugin's database (SQLite or PostgreSQL). */
export class DatabaseConversationStore implements ConversationStore {
  static create(options: { knex: Knex; now?: () => Date }) {
    return new DatabaseConversationStore(
      options.knex,
      options.now ?? (() => new Date()),
    );
  }

  private constructor(
    private readonly knex: Knex,
    private readonly now: () => Date,
  ) {}

  async createConversation(
    owner: string,
    input: { title: string; entityRef?: string },
  ): Promise<Conversation> {
    const time = this.now().toISOString();
    const row: ConversationRow = {
      id: randomUUID(),
      owner,
      title: input.title,
      entity_ref: input.entityRef ?? null,
      created_at: time,
      updated_at: time,
    };
    await this.knex(CONVERSATIONS).insert(row);
    return toConversation(row);
  }

  async listConversations(owner: string): Promise<Conversation[]> {
    const rows = await this.knex<ConversationRow>(CONVERSATIONS)
      .where({ owner })
      .orderBy([
        { column: 'updated_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    return rows.map(toConversation);
  }

  async getConversation(
    owner: string,
    id: string,
  ): Promise<Conversation | undefined> {
    const row = await this.knex<ConversationRow>(CONVERSATIONS)
      .where({ owner, id })
      .first();
    return row ? toConversation(row) : undefined;
  }

  async deleteConversation(owner: string, id: string): Promise<boolean> {
    return this.knex.transaction(async tx => {
      const row = await tx<ConversationRow>(CONVERSATIONS)
        .where({ owner, id })
        .first();
      if (!row) return false;
      // Not relying on ON DELETE CASCADE: SQLite enforces it only with
      // foreign keys switched on.
      await tx(MESSAGES).where({ conversation_id: id }).delete();
      await tx(CONVERSATIONS).where({ id }).delete();
      return true;
    });
  }

  async appendMessage(
    conversationId: string,
    message: NewMessage,
  ): Promise<AssistantMessage> {
    const time = this.now().toISOString();
    return this.knex.transaction(async tx => {
      const last = await tx(MESSAGES)
        .where({ conversation_id: conversationId })
        .max({ position: 'position' })
        .first();
      const row: MessageRow = {
        id: randomUUID(),
        conversation_id: conversationId,
        position: Number(last?.position ?? 0) + 1,
        role: message.role,
        text: message.text,
        tool_calls: JSON.stringify(message.toolCalls ?? []),
        status: message.status ?? null,
        entity_ref: message.entityRef ?? null,
        error: null,
        approval_id: null,
        turn_state: null,
        created_at: time,
      };
      await tx(MESSAGES).insert(row);
      await tx(CONVERSATIONS)
        .where({ id: conversationId })
        .update({ updated_at: time });
      return toMessage(row);
    });
  }

  async updateMessage(
    id: string,
    patch: MessagePatch,
  ): Promise<AssistantMessage> {
    const update: Partial<MessageRow> = {};
    if (patch.text !== undefined) update.text = patch.text;
    if (patch.toolCalls !== undefined) {
      update.tool_calls = JSON.stringify(patch.toolCalls);
    }
    if (patch.status !== undefined) update.status = patch.status;
    if (patch.error !== undefined) {
      update.error = patch.error ? JSON.stringify(patch.error) : null;
    }
    if (patch.approvalId !== undefined) update.approval_id = patch.approvalId;
    if (patch.turnState !== undefined) {
      update.turn_state = patch.turnState
        ? JSON.stringify(patch.turnState)
        : null;
    }
    const row = await this.knex.transaction(async tx => {
      if (Object.keys(update).length > 0) {
        await tx(MESSAGES).where({ id }).update(update);
      }
      const updated = await tx<MessageRow>(MESSAGES).where({ id }).first();
      if (updated) {
        await tx(CONVERSATIONS)
          .where({ id: updated.conversation_id })
          .update({ updated_at: this.now().toISOString() });
      }
      return updated;
    });
    if (!row) throw new NotFoundError(`No message "${id}"`);
    return toMessage(row);
  }

  async listMessages(conversationId: string): Promise<StoredMessage[]> {
    const rows = await this.knex<MessageRow>(MESSAGES)
      .where({ conversation_id: conversationId })
      .orderBy('position', 'asc');
    return rows.map(row => ({
      message: toMessage(row),
      ...(row.approval_id ? { approvalId: row.approval_id } : {}),
      ...(row.turn_state ? { turnState: JSON.parse(row.turn_state) } : {}),
    }));
  }

  async findByApproval(approvalId: string) {
    const row = await this.knex(MESSAGES)
      .join(CONVERSATIONS, `${CONVERSATIONS}.id`, `${MESSAGES}.conversation_id`)
      .where(`${MESSAGES}.approval_id`, approvalId)
      .select(
        `${CONVERSATIONS}.owner as owner`,
        `${CONVERSATIONS}.id as conversationId`,
        `${MESSAGES}.id as messageId`,
      )
      .first();
    return row
      ? {
          owner: row.owner as string,
          conversationId: row.conversationId as string,
          messageId: row.messageId as string,
        }
      : undefined;
  }
}
