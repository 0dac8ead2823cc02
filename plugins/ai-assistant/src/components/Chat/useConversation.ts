import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { useSignal } from '@backstage/plugin-signals-react';
import type {
  AssistantError,
  AssistantEvent,
  AssistantMessage,
  ToolCallRecord,
} from '@pilothouse/plugin-ai-assistant-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { aiAssistantApiRef, ListedApproval, StreamOptions } from '../../api';
import { toAssistantError } from '../../describeError';

/**
 * How often to look at a pending approval of the current turn: signals
 * normally say when it is decided; this covers a dropped connection.
 */
const APPROVAL_POLL_MS = { withSignals: 15_000, withoutSignals: 5_000 };

function upsertCall(calls: ToolCallRecord[], call: ToolCallRecord) {
  const index = calls.findIndex(c => c.id === call.id);
  if (index === -1) return [...calls, call];
  return calls.map((c, i) => (i === index ? call : c));
}

/** Applies one server-sent event of a turn to the messages shown. */
export function applyEvent(
  messages: AssistantMessage[],
  event: AssistantEvent,
): AssistantMessage[] {
  const update = (
    id: string | undefined,
    change: (m: AssistantMessage) => AssistantMessage,
  ) => messages.map(m => (m.id === id ? change(m) : m));
  switch (event.type) {
    case 'turn_started':
    case 'turn_finished':
      return messages.some(m => m.id === event.message.id)
        ? update(event.message.id, () => event.message)
        : [...messages, event.message];
    case 'text_delta':
      return update(event.messageId, m => ({ ...m, text: m.text + event.text }));
    case 'tool_call_started':
    case 'tool_call_finished':
    case 'approval_required':
      return update(event.messageId, m => ({
        ...m,
        toolCalls: upsertCall(m.toolCalls, event.call),
      }));
    case 'error':
      return update(event.messageId, m => ({ ...m, error: event.error }));
    default:
      return messages;
  }
}

export interface ConversationState {
  conversationId?: string;
  messages: AssistantMessage[];
  approvals: Map<string, ListedApproval>;
  loading: boolean;
  /** The conversation could not be opened: not found, or not the user's. */
  loadError?: AssistantError & { notFound?: boolean };
  /** A request of the chat failed (sending, resuming, deciding). */
  error?: AssistantError;
  running: boolean;
  send(text: string): Promise<void>;
  undo(callId: string): Promise<void>;
  cancel(): Promise<void>;
  decide(approvalId: string, decision: 'approve' | 'reject'): Promise<void>;
  dismissError(): void;
}

/**
 * One conversation's messages, streamed turns and approvals. Without an id,
 * the first message creates the conversation (with `entityRef` as its
 * context) and `onCreated` tells the caller its id.
 */
export function useConversation(options: {
  conversationId?: string;
  entityRef?: string;
  onCreated?: (id: string) => void;
}): ConversationState {
  const api = useApi(aiAssistantApiRef);
  const { entityRef, onCreated } = options;
  const [conversationId, setConversationId] = useState(options.conversationId);
  const [messages, setMessages] = useState<AssistantMessage[]>([]);
  const [approvals, setApprovals] = useState(
    new Map<string, ListedApproval>(),
  );
  const [loading, setLoading] = useState(Boolean(options.conversationId));
  const [loadError, setLoadError] = useState<ConversationState['loadError']>();
  const [error, setError] = useState<AssistantError>();
  const [running, setRunning] = useState(false);
  const abort = useRef<AbortController>();
  const resumedFor = useRef(new Set<string>());
  const runningRef = useRef(false);
  const createdHere = useRef<string>();

  useEffect(() => {
    setConversationId(options.conversationId);
  }, [options.conversationId]);

  const refreshApprovals = useCallback(async () => {
    try {
      const list = await api.listApprovals();
      setApprovals(new Map(list.map(a => [a.id, a])));
    } catch (e) {
      setError(toAssistantError(e));
    }
  }, [api]);

  const reload = useCallback(
    async (id: string) => {
      try {
        const response = await api.getConversation(id);
        setMessages(response.messages);
        setLoadError(undefined);
      } catch (e) {
        setLoadError({
          ...toAssistantError(e),
          notFound: ResponseError.is(e) && e.statusCode === 404,
        });
      }
    },
    [api],
  );

  // Opening a conversation (or a new one): its messages and the approvals.
  useEffect(() => {
    // Just created by send(), whose turn streams into this state.
    if (conversationId && conversationId === createdHere.current) {
      return undefined;
    }
    let current = true;
    abort.current?.abort();
    setMessages([]);
    setError(undefined);
    setLoadError(undefined);
    if (!conversationId) {
      setLoading(false);
      refreshApprovals();
      return undefined;
    }
    setLoading(true);
    Promise.all([reload(conversationId), refreshApprovals()]).finally(() => {
      if (current) setLoading(false);
    });
    return () => {
      current = false;
    };
  }, [conversationId, reload, refreshApprovals]);

  const run = useCallback(
    async (
      id: string,
      start: (streamOptions: StreamOptions) => Promise<void>,
    ) => {
      const controller = new AbortController();
      abort.current = controller;
      runningRef.current = true;
      setRunning(true);
      setError(undefined);
      try {
        await start({
          signal: controller.signal,
          onEvent: event => {
            if (event.type === 'error' && !event.messageId) {
              setError(event.error);
            }
            setMessages(current => applyEvent(current, event));
            if (event.type === 'approval_required') {
              setApprovals(current =>
                new Map(current).set(event.approval.id, {
                  ...event.approval,
                  canDecide: false,
                }),
              );
            }
          },
        });
      } catch (e) {
        if (!controller.signal.aborted) setError(toAssistantError(e));
      } finally {
        runningRef.current = false;
        setRunning(false);
        // The server's record is the truth: message ids, final statuses.
        await Promise.all([reload(id), refreshApprovals()]);
      }
    },
    [reload, refreshApprovals],
  );

  const send = useCallback(
    async (text: string) => {
      if (runningRef.current || !text.trim()) return;
      let id = conversationId;
      runningRef.current = true;
      try {
        if (!id) {
          const created = await api.createConversation({ entityRef });
          id = created.id;
          createdHere.current = id;
          setConversationId(id);
          onCreated?.(id);
        }
      } catch (e) {
        runningRef.current = false;
        setError(toAssistantError(e));
        return;
      }
      const sentId = id;
      setMessages(current => [
        ...current,
        {
          id: `local-${Date.now()}`,
          conversationId: sentId,
          role: 'user',
          text,
          toolCalls: [],
          entityRef,
          createdAt: new Date().toISOString(),
        },
      ]);
      await run(sentId, o =>
        api.sendMessage(
          sentId,
          { text, ...(entityRef ? { entityRef } : {}) },
          o,
        ),
      );
    },
    [api, conversationId, entityRef, onCreated, run],
  );

  const resume = useCallback(async () => {
    if (!conversationId || runningRef.current) return;
    await run(conversationId, o => api.resume(conversationId, o));
  }, [api, conversationId, run]);

  const undo = useCallback(
    async (callId: string) => {
      if (!conversationId || runningRef.current) return;
      await run(conversationId, o => api.undo(conversationId, { callId }, o));
    },
    [api, conversationId, run],
  );

  const cancel = useCallback(async () => {
    if (!conversationId) return;
    try {
      await api.cancel(conversationId);
    } catch (e) {
      setError(toAssistantError(e));
    }
    abort.current?.abort();
  }, [api, conversationId]);

  const decide = useCallback(
    async (approvalId: string, decision: 'approve' | 'reject') => {
      try {
        await api.decideApproval(approvalId, decision);
      } catch (e) {
        setError(toAssistantError(e));
      }
      await refreshApprovals();
    },
    [api, refreshApprovals],
  );

  // The approval the current turn waits for, if any.
  const last = messages[messages.length - 1];
  const waitingCall =
    last?.role === 'assistant' && last.status === 'awaiting_approval'
      ? last.toolCalls.find(
          c => c.status === 'awaiting_approval' && c.approvalId,
        )
      : undefined;
  const waitingApproval = waitingCall?.approvalId
    ? approvals.get(waitingCall.approvalId)
    : undefined;

  // Once it is decided (here, by the approver elsewhere, or before the page
  // loaded), the turn goes on: once per approval.
  useEffect(() => {
    if (
      waitingApproval &&
      waitingApproval.status !== 'pending' &&
      !running &&
      !resumedFor.current.has(waitingApproval.id)
    ) {
      resumedFor.current.add(waitingApproval.id);
      resume();
    }
  }, [waitingApproval, running, resume]);

  const { lastSignal, isSignalsAvailable } = useSignal(
    `ai-assistant:conversation:${conversationId ?? 'none'}`,
  );
  useEffect(() => {
    if (lastSignal && conversationId && !runningRef.current) {
      reload(conversationId);
      refreshApprovals();
    }
  }, [lastSignal, conversationId, reload, refreshApprovals]);

  // Signals may be off or reconnecting: look again now and then.
  const waitingForOthers = Boolean(
    waitingApproval && waitingApproval.status === 'pending',
  );
  useEffect(() => {
    if (!waitingForOthers) return undefined;
    const timer = setInterval(
      refreshApprovals,
      isSignalsAvailable
        ? APPROVAL_POLL_MS.withSignals
        : APPROVAL_POLL_MS.withoutSignals,
    );
    return () => clearInterval(timer);
  }, [waitingForOthers, isSignalsAvailable, refreshApprovals]);

  return {
    conversationId,
    messages,
    approvals,
    loading,
    loadError,
    error,
    running,
    send,
    undo,
    cancel,
    decide,
    dismissError: () => setError(undefined),
  };
}
