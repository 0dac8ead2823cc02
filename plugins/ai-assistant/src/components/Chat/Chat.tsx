import { Progress } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { AssistantMessage } from '@pilothouse/plugin-ai-assistant-common';
import { RiFileCopyLine, RiSendPlaneLine, RiStopLine } from '@remixicon/react';
import { KeyboardEvent, useEffect, useRef, useState } from 'react';
import type { ListedApproval } from '../../api';
import { describeAssistantError } from '../../describeError';
import { MicButton } from '../MicButton';
import { ToolCallCard } from './ToolCallCard';
import { ConversationState, useConversation } from './useConversation';

function Message(props: {
  message: AssistantMessage;
  approvals: Map<string, ListedApproval>;
  busy: boolean;
  onDecide: ConversationState['decide'];
  onUndo: ConversationState['undo'];
}) {
  const { message } = props;
  const alertApi = useApi(alertApiRef);
  if (message.role === 'user') {
    return (
      <Box
        component="article"
        aria-label="Your message"
        sx={{ alignSelf: 'flex-end', maxWidth: '85%' }}
      >
        <Paper
          sx={{ p: 1.5, bgcolor: 'primary.main', color: 'primary.contrastText' }}
        >
          <Typography variant="body1" sx={{ whiteSpace: 'pre-wrap' }}>
            {message.text}
          </Typography>
        </Paper>
      </Box>
    );
  }
  const copy = async () => {
    await navigator.clipboard.writeText(message.text);
    alertApi.post({ message: 'Answer copied', display: 'transient' });
  };
  return (
    <Box component="article" aria-label="Assistant's answer" sx={{ maxWidth: '100%' }}>
      {message.text && (
        <Stack direction="row" alignItems="flex-start" spacing={0.5}>
          <Typography variant="body1" sx={{ whiteSpace: 'pre-wrap', flex: 1 }}>
            {message.text}
          </Typography>
          <IconButton size="small" aria-label="Copy answer" onClick={copy}>
            <RiFileCopyLine size={16} />
          </IconButton>
        </Stack>
      )}
      {message.toolCalls.map(call => (
        <ToolCallCard
          key={call.id}
          call={call}
          approval={
            call.approvalId ? props.approvals.get(call.approvalId) : undefined
          }
          disabled={props.busy}
          onDecide={props.onDecide}
          onUndo={props.onUndo}
        />
      ))}
      {message.status === 'running' && props.busy && (
        <Typography variant="body2" color="text.secondary" role="status">
          Working…
        </Typography>
      )}
      {message.status === 'cancelled' && (
        <Typography variant="body2" color="text.secondary">
          Stopped.
        </Typography>
      )}
      {message.error && message.error.code !== 'cancelled' && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {describeAssistantError(message.error)}
        </Alert>
      )}
    </Box>
  );
}

/**
 * The chat: messages with streamed text, tool call and approval cards, and
 * a message box where Enter sends and Shift+Enter breaks the line.
 */
export function Chat(props: {
  conversationId?: string;
  /** The entity the chat was opened from: the context of new conversations. */
  entityRef?: string;
  onConversationCreated?: (id: string) => void;
  /** Shown above an empty chat. */
  emptyText?: string;
  /** A question to start the message box with (sent only when the user sends it). */
  initialText?: string;
}) {
  const conversation = useConversation({
    conversationId: props.conversationId,
    entityRef: props.entityRef,
    onCreated: props.onConversationCreated,
  });
  const { messages, running, error, loadError } = conversation;
  const [text, setText] = useState(props.initialText ?? '');
  const [voiceError, setVoiceError] = useState<string>();
  const input = useRef<HTMLTextAreaElement>(null);
  const bottom = useRef<HTMLDivElement>(null);

  useEffect(() => {
    bottom.current?.scrollIntoView?.({ block: 'end' });
  }, [messages]);

  const send = () => {
    if (running || !text.trim()) return;
    const sent = text;
    setText('');
    setVoiceError(undefined);
    conversation.send(sent);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    // Enter sends; Shift+Enter (and Enter while composing accents) is a newline.
    if (
      event.key === 'Enter' &&
      !event.shiftKey &&
      !event.nativeEvent.isComposing
    ) {
      event.preventDefault();
      send();
    }
  };

  if (conversation.loading) return <Progress />;

  return (
    <Stack sx={{ height: '100%', minHeight: 0 }} spacing={1}>
      <Stack
        spacing={1.5}
        aria-label="Messages"
        aria-live="polite"
        sx={{ flex: 1, overflowY: 'auto', minHeight: 0, p: 1 }}
      >
        {loadError && (
          <Alert severity="warning">
            {loadError.notFound
              ? 'This conversation cannot be opened: it was deleted, or it belongs to someone else. Approvals waiting for you are listed on the assistant page.'
              : `The conversation could not be loaded: ${loadError.message}`}
          </Alert>
        )}
        {!loadError && messages.length === 0 && (
          <Typography color="text.secondary">
            {props.emptyText ??
              'Ask about your services, or ask for a change: the assistant works through the AI gateway, and asks before anything that changes a system.'}
          </Typography>
        )}
        {messages.map(message => (
          <Message
            key={message.id}
            message={message}
            approvals={conversation.approvals}
            busy={running}
            onDecide={conversation.decide}
            onUndo={conversation.undo}
          />
        ))}
        <div ref={bottom} />
      </Stack>
      {error && (
        <Alert severity="error" onClose={conversation.dismissError}>
          {describeAssistantError(error)}
        </Alert>
      )}
      <Stack direction="row" alignItems="flex-end" spacing={1}>
        <TextField
          inputRef={input}
          label="Message"
          placeholder="Ask the assistant (Enter sends, Shift+Enter for a new line)"
          multiline
          maxRows={8}
          fullWidth
          value={text}
          disabled={Boolean(loadError?.notFound)}
          onChange={e => setText(e.target.value)}
          onKeyDown={onKeyDown}
          error={Boolean(voiceError)}
          helperText={voiceError}
        />
        <MicButton
          disabled={running || Boolean(loadError?.notFound)}
          onTranscript={transcript => {
            setVoiceError(undefined);
            setText(current => (current ? `${current} ${transcript}` : transcript));
            input.current?.focus();
          }}
          onError={setVoiceError}
        />
        {running ? (
          <Button
            variant="outlined"
            color="error"
            startIcon={<RiStopLine size={18} />}
            onClick={conversation.cancel}
          >
            Stop
          </Button>
        ) : (
          <Button
            variant="contained"
            startIcon={<RiSendPlaneLine size={18} />}
            disabled={!text.trim() || Boolean(loadError?.notFound)}
            onClick={send}
          >
            Send
          </Button>
        )}
      </Stack>
    </Stack>
  );
}
