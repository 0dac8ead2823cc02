import { Content } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import IconButton from '@mui/material/IconButton';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { RiAddLine, RiDeleteBinLine } from '@remixicon/react';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { aiAssistantApiRef } from '../../api';
import { describeAssistantError, toAssistantError } from '../../describeError';
import { Chat } from '../Chat';
import { ApprovalsForYou } from './ApprovalsForYou';

/**
 * The assistant's page: conversations on the left, the chat on the right.
 * `?conversation=<id>` opens one (the approver's notification links here);
 * `?q=<question>` puts a question in a new chat's message box for the person
 * to read and send, and `&entity=<ref>` makes the entity its context (the
 * Detections and SLO pages link here); approvals others wait for are listed
 * above the chat.
 */
export function AssistantPage() {
  const api = useApi(aiAssistantApiRef);
  const [params, setParams] = useSearchParams();
  const conversationId = params.get('conversation') ?? undefined;
  const question = params.get('q') ?? undefined;
  const entityRef = params.get('entity') ?? undefined;
  const [list, loadList] = useAsyncFn(() => api.listConversations(), [api]);

  useEffect(() => {
    loadList();
  }, [loadList, conversationId]);

  // A new chat keeps streaming when its conversation is created and the URL
  // follows; only picking another conversation starts the chat afresh.
  const [chatKey, setChatKey] = useState(0);
  const show = (id?: string) => setParams(id ? { conversation: id } : {});
  const open = (id?: string) => {
    setChatKey(k => k + 1);
    show(id);
  };

  const remove = async (id: string) => {
    await api.deleteConversation(id);
    if (id === conversationId) open(undefined);
    loadList();
  };

  return (
    <Content>
      <Grid container spacing={2} sx={{ height: 'calc(100vh - 200px)', minHeight: 480 }}>
        <Grid item xs={12} md={3} sx={{ height: '100%', overflowY: 'auto' }}>
          <Button
            variant="contained"
            fullWidth
            startIcon={<RiAddLine size={18} />}
            onClick={() => open(undefined)}
          >
            New conversation
          </Button>
          <Typography variant="overline" component="h2" sx={{ mt: 2, display: 'block' }}>
            Conversations
          </Typography>
          {list.error && (
            <Alert severity="error">
              {describeAssistantError(toAssistantError(list.error))}
            </Alert>
          )}
          {list.value && list.value.length === 0 && (
            <Typography variant="body2" color="text.secondary">
              No conversations yet.
            </Typography>
          )}
          <List dense aria-label="Conversations">
            {(list.value ?? []).map(c => (
              <ListItem
                key={c.id}
                disablePadding
                secondaryAction={
                  <IconButton
                    edge="end"
                    size="small"
                    aria-label={`Delete conversation ${c.title}`}
                    onClick={() => remove(c.id)}
                  >
                    <RiDeleteBinLine size={16} />
                  </IconButton>
                }
              >
                <ListItemButton
                  selected={c.id === conversationId}
                  onClick={() => open(c.id)}
                >
                  <ListItemText
                    primary={c.title}
                    secondary={c.entityRef}
                    primaryTypographyProps={{ noWrap: true }}
                    secondaryTypographyProps={{ noWrap: true }}
                  />
                </ListItemButton>
              </ListItem>
            ))}
          </List>
        </Grid>
        <Grid item xs={12} md={9} sx={{ height: '100%', display: 'flex', flexDirection: 'column', gap: 2 }}>
          <ApprovalsForYou />
          <Paper variant="outlined" sx={{ flex: 1, minHeight: 0, p: 1 }}>
            <Box sx={{ height: '100%' }}>
              <Chat
                key={chatKey}
                conversationId={conversationId}
                entityRef={entityRef}
                initialText={conversationId ? undefined : question}
                onConversationCreated={show}
              />
            </Box>
          </Paper>
        </Grid>
      </Grid>
    </Content>
  );
}
