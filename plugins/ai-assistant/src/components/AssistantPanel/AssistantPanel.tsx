import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Drawer from '@mui/material/Drawer';
import Fab from '@mui/material/Fab';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { RiChatAi3Line, RiCloseLine } from '@remixicon/react';
import { matchPath, Link as RouterLink, useLocation } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { Chat } from '../Chat';
import { assistantPanel, usePanelState } from './panelStore';

/** The catalog's entity page route (plugin-catalog's `page:catalog/entity`). */
const ENTITY_PAGE = '/catalog/:namespace/:kind/:name/*';

/** `component:default/payments` for an entity page's path, else undefined. */
export function entityRefFromPath(pathname: string): string | undefined {
  const match = matchPath(ENTITY_PAGE, pathname);
  if (!match) return undefined;
  const { namespace, kind, name } = match.params;
  return `${decodeURIComponent(kind!).toLocaleLowerCase('en-US')}:${decodeURIComponent(
    namespace!,
  )}/${decodeURIComponent(name!)}`;
}

/**
 * The assistant as a side panel: a button on every entity page opens a
 * drawer with the chat, the entity as its context. It lives at the app's
 * root so that it stays open across the entity's tabs.
 */
export function AssistantPanel() {
  const identityApi = useApi(identityApiRef);
  const { pathname } = useLocation();
  const panel = usePanelState();
  // Resolves once someone signed in: no button over the sign-in page.
  const signedIn = useAsync(() => identityApi.getBackstageIdentity(), [
    identityApi,
  ]);
  const pageEntity = entityRefFromPath(pathname);
  const entityRef = panel.open ? panel.entityRef : pageEntity;
  const conversationId = entityRef ? panel.conversations[entityRef] : undefined;

  return (
    <>
      {pageEntity && signedIn.value && !panel.open && (
        <Fab
          variant="extended"
          color="primary"
          aria-label="Ask the assistant"
          onClick={() => assistantPanel.open(pageEntity)}
          sx={{ position: 'fixed', right: 24, bottom: 24, zIndex: 'speedDial' }}
        >
          <RiChatAi3Line style={{ marginRight: 8 }} />
          Ask the assistant
        </Fab>
      )}
      <Drawer
        anchor="right"
        open={panel.open}
        onClose={() => assistantPanel.close()}
        // The page behind stays usable: look at the Kubernetes tab meanwhile.
        variant="persistent"
        PaperProps={{
          role: 'dialog',
          'aria-label': 'Assistant',
          sx: { width: { xs: '100%', sm: 480 }, p: 2, boxSizing: 'border-box' },
        }}
      >
        {panel.open && entityRef && (
          <Stack sx={{ height: '100%' }} spacing={1}>
            <Stack direction="row" alignItems="center" spacing={1}>
              <Box sx={{ flex: 1, minWidth: 0 }}>
                <Typography variant="h6" component="h2">
                  Assistant
                </Typography>
                <Typography variant="body2" color="text.secondary" noWrap>
                  About {entityRef}
                </Typography>
              </Box>
              <Button
                size="small"
                onClick={() => assistantPanel.setConversation(entityRef, undefined)}
              >
                New conversation
              </Button>
              {conversationId && (
                <Button
                  size="small"
                  component={RouterLink}
                  to={`/ai-assistant?conversation=${encodeURIComponent(conversationId)}`}
                  onClick={() => assistantPanel.close()}
                >
                  Open page
                </Button>
              )}
              <IconButton
                aria-label="Close the assistant"
                onClick={() => assistantPanel.close()}
              >
                <RiCloseLine />
              </IconButton>
            </Stack>
            <Box sx={{ flex: 1, minHeight: 0 }}>
              <Chat
                key={entityRef}
                conversationId={conversationId}
                entityRef={entityRef}
                onConversationCreated={id =>
                  assistantPanel.setConversation(entityRef, id)
                }
                emptyText={`Ask about ${entityRef}, or ask for a change to it: "scale it to 5 replicas".`}
              />
            </Box>
          </Stack>
        )}
      </Drawer>
    </>
  );
}
