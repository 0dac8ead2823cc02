import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import type {
  AssistantMessage,
  ToolCallRecord,
} from '@pilothouse/plugin-ai-assistant-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  AiAssistantApi,
  aiAssistantApiRef,
  AssistantRequestError,
  ListedApproval,
} from '../../api';
import { AssistantPage } from '../AssistantPage';
import { Chat } from './Chat';

/** An assistant API whose every call fails loudly unless the test answers it. */
function fakeApi(answers: Partial<AiAssistantApi> = {}) {
  const defaults: Partial<AiAssistantApi> = {
    listApprovals: async () => [],
    transcriptionStatus: async () => ({ available: true, engine: 'pocketsphinx' }),
    createConversation: async () => ({
      id: 'c1',
      title: 'New conversation',
      createdAt: '2026-11-27T10:00:00Z',
      updatedAt: '2026-11-27T10:00:00Z',
    }),
    getConversation: async () => ({
      conversation: {
        id: 'c1',
        title: 'Scale payments',
        createdAt: '2026-11-27T10:00:00Z',
        updatedAt: '2026-11-27T10:00:00Z',
      },
      messages: [],
    }),
  };
  const methods: (keyof AiAssistantApi)[] = [
    'listConversations',
    'createConversation',
    'getConversation',
    'deleteConversation',
    'sendMessage',
    'resume',
    'undo',
    'cancel',
    'listApprovals',
    'decideApproval',
    'transcriptionStatus',
    'transcribe',
  ];
  return Object.fromEntries(
    methods.map(name => {
      const answer = answers[name] ?? defaults[name];
      return [
        name,
        answer
          ? jest.fn(answer as any)
          : jest.fn(async () => {
              throw new Error(`the test did not expect a call to ${name}`);
            }),
      ];
    }),
  ) as unknown as jest.Mocked<AiAssistantApi>;
}

function renderChat(
  api: AiAssistantApi,
  props: { conversationId?: string; initialText?: string } = {},
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [aiAssistantApiRef, api],
        mockApis.identity({ userEntityRef: 'user:default/alice' }),
      ]}
    >
      <Chat entityRef="component:default/payments" {...props} />
    </TestApiProvider>,
  );
}

const scaleCall: ToolCallRecord = {
  id: 'call-1',
  tool: 'kubernetes.scale_deployment',
  arguments: { namespace: 'payments', name: 'payments', replicas: 5 },
  status: 'awaiting_approval',
  approvalId: 'ap-1',
  approvalMode: 'approval',
  summary: 'Scale deployment payments/payments to 5 replicas',
};

function conversationWaitingFor(call: ToolCallRecord): AssistantMessage[] {
  return [
    {
      id: 'm1',
      conversationId: 'c1',
      role: 'user',
      text: 'scale it to 5',
      toolCalls: [],
      createdAt: '2026-11-27T10:00:00Z',
    },
    {
      id: 'm2',
      conversationId: 'c1',
      role: 'assistant',
      text: 'Scaling payments needs an approval.',
      toolCalls: [call],
      status: 'awaiting_approval',
      createdAt: '2026-11-27T10:00:01Z',
    },
  ];
}

const approval: ListedApproval = {
  id: 'ap-1',
  requester: 'user:default/alice',
  tool: 'kubernetes.scale_deployment',
  arguments: scaleCall.arguments,
  argumentsHash: 'h',
  entityRef: 'component:default/payments',
  reason: 'A destructive tool on a production entity needs a second person.',
  mode: 'approval',
  status: 'pending',
  createdAt: '2026-11-27T10:00:01Z',
  expiresAt: '2026-11-27T11:00:01Z',
  canDecide: false,
};

describe('Chat', () => {
  it('shows the answer as it streams in', async () => {
    let finish: () => void = () => {};
    const api = fakeApi({
      sendMessage: async (_id, _request, { onEvent }) => {
        onEvent({
          type: 'turn_started',
          message: {
            id: 'm2',
            conversationId: 'c1',
            role: 'assistant',
            text: '',
            toolCalls: [],
            status: 'running',
            createdAt: '2026-11-27T10:00:01Z',
          },
        });
        onEvent({ type: 'text_delta', messageId: 'm2', text: 'payments runs ' });
        onEvent({ type: 'text_delta', messageId: 'm2', text: '2 replicas' });
        await new Promise<void>(resolve => {
          finish = resolve;
        });
      },
    });
    await renderChat(api);

    const box = await screen.findByRole('textbox', { name: 'Message' });
    await userEvent.type(box, 'how many replicas?{Enter}');

    // Still streaming: the text so far, and Stop instead of Send.
    expect(await screen.findByText('payments runs 2 replicas')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Stop' })).toBeInTheDocument();
    expect(api.createConversation).toHaveBeenCalledWith({
      entityRef: 'component:default/payments',
    });
    expect(api.sendMessage).toHaveBeenCalledWith(
      'c1',
      { text: 'how many replicas?', entityRef: 'component:default/payments' },
      expect.anything(),
    );
    finish();
    expect(await screen.findByRole('button', { name: 'Send' })).toBeInTheDocument();
  });

  it('sends on Enter, and breaks the line on Shift+Enter', async () => {
    const api = fakeApi({ sendMessage: async () => {} });
    await renderChat(api);
    const box = await screen.findByRole('textbox', { name: 'Message' });

    await userEvent.type(box, 'first line{Shift>}{Enter}{/Shift}second line');
    expect(api.sendMessage).not.toHaveBeenCalled();
    expect(box).toHaveValue('first line\nsecond line');

    await userEvent.type(box, '{Enter}');
    await waitFor(() =>
      expect(api.sendMessage).toHaveBeenCalledWith(
        'c1',
        expect.objectContaining({ text: 'first line\nsecond line' }),
        expect.anything(),
      ),
    );
    expect(box).toHaveValue('');
  });

  it('starts with a question another page filled in, sent only when the user sends it', async () => {
    const api = fakeApi({ sendMessage: async () => {} });
    await renderChat(api, {
      initialText: 'why is payments burning its error budget?',
    });
    const box = await screen.findByRole('textbox', { name: 'Message' });
    expect(box).toHaveValue('why is payments burning its error budget?');
    expect(api.sendMessage).not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() =>
      expect(api.sendMessage).toHaveBeenCalledWith(
        'c1',
        {
          text: 'why is payments burning its error budget?',
          entityRef: 'component:default/payments',
        },
        expect.anything(),
      ),
    );
  });

  it('shows Approve and Reject to someone the gateway lets decide', async () => {
    const api = fakeApi({
      getConversation: async () => ({
        conversation: {
          id: 'c1',
          title: 'Scale payments',
          createdAt: '2026-11-27T10:00:00Z',
          updatedAt: '2026-11-27T10:00:00Z',
        },
        messages: conversationWaitingFor({ ...scaleCall, approvalMode: 'confirm' }),
      }),
      listApprovals: async () => [{ ...approval, mode: 'confirm', canDecide: true }],
      decideApproval: async () => ({ ...approval, status: 'approved' }),
      resume: async () => {},
    });
    await renderChat(api, { conversationId: 'c1' });

    const card = await screen.findByRole('region', {
      name: 'Tool call kubernetes.scale_deployment',
    });
    expect(within(card).getByLabelText('Arguments')).toHaveTextContent('"replicas": 5');
    await userEvent.click(within(card).getByRole('button', { name: 'Approve' }));
    expect(api.decideApproval).toHaveBeenCalledWith('ap-1', 'approve');
  });

  it('tells the requester it waits for an approver, with no Approve button', async () => {
    const api = fakeApi({
      getConversation: async () => ({
        conversation: {
          id: 'c1',
          title: 'Scale payments',
          createdAt: '2026-11-27T10:00:00Z',
          updatedAt: '2026-11-27T10:00:00Z',
        },
        messages: conversationWaitingFor(scaleCall),
      }),
      listApprovals: async () => [approval],
    });
    await renderChat(api, { conversationId: 'c1' });

    const approvalBox = await screen.findByRole('group', { name: 'Approval' });
    expect(
      within(approvalBox).getByText(
        'Waiting for an approver: a second person must approve this call',
      ),
    ).toBeInTheDocument();
    expect(within(approvalBox).getByText(approval.reason)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
  });

  it('says when the user is over their quota, and when to try again', async () => {
    const api = fakeApi({
      sendMessage: async () => {
        throw new AssistantRequestError(
          {
            code: 'quota',
            message: 'user:default/alice is over 20 requests per minute',
            retryAfterSeconds: 42,
          },
          429,
        );
      },
    });
    await renderChat(api);
    await userEvent.type(
      await screen.findByRole('textbox', { name: 'Message' }),
      'scale it to 5{Enter}',
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'You are over your quota; try again in 42 s. (user:default/alice is over 20 requests per minute)',
    );
  });

  it('offers Undo on a call that can be undone', async () => {
    const done: ToolCallRecord = {
      ...scaleCall,
      status: 'done',
      result: 'payments scaled from 2 to 5 replicas',
      undo: {
        tool: 'kubernetes.scale_deployment',
        arguments: { namespace: 'payments', name: 'payments', replicas: 2 },
        description: 'Scale payments back to 2 replicas',
      },
    };
    const api = fakeApi({
      getConversation: async () => ({
        conversation: {
          id: 'c1',
          title: 'Scale payments',
          createdAt: '2026-11-27T10:00:00Z',
          updatedAt: '2026-11-27T10:00:00Z',
        },
        messages: [{ ...conversationWaitingFor(done)[1], status: 'done' }],
      }),
      undo: async () => {},
    });
    await renderChat(api, { conversationId: 'c1' });
    await userEvent.click(await screen.findByRole('button', { name: 'Undo' }));
    expect(api.undo).toHaveBeenCalledWith(
      'c1',
      { callId: 'call-1' },
      expect.anything(),
    );
  });

  it('explains why the microphone button is disabled', async () => {
    const reason =
      'Voice input is unavailable: the speech engine pocketsphinx_continuous is not installed on the server';
    const api = fakeApi({
      transcriptionStatus: async () => ({ available: false, reason }),
    });
    await renderChat(api);
    const mic = await screen.findByRole('button', { name: 'Record voice message' });
    await waitFor(() => expect(mic).toHaveAccessibleDescription(reason));
    expect(mic).toBeDisabled();
  });
});

describe('the assistant page', () => {
  it('puts the question of its ?q= in a new chat’s message box, unsent', async () => {
    const api = fakeApi({
      listConversations: async () => [],
      sendMessage: async () => {},
    });
    const question = 'Triage the high detection "Secrets listed"';
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [aiAssistantApiRef, api],
          mockApis.identity({ userEntityRef: 'user:default/alice' }),
        ]}
      >
        <AssistantPage />
      </TestApiProvider>,
      {
        initialRouteEntries: [
          `/ai-assistant?${new URLSearchParams({ q: question })}`,
        ],
      },
    );
    const box = await screen.findByRole('textbox', { name: 'Message' });
    expect(box).toHaveValue(question);
    expect(api.sendMessage).not.toHaveBeenCalled();

    await userEvent.type(box, '{Enter}');
    await waitFor(() =>
      expect(api.sendMessage).toHaveBeenCalledWith(
        'c1',
        expect.objectContaining({ text: question }),
        expect.anything(),
      ),
    );
  });
});
