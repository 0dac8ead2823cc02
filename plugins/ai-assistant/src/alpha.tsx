import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ApiBlueprint,
  AppRootElementBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { EntityContextMenuItemBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { RiChatAi3Line } from '@remixicon/react';
import { AiAssistantClient, aiAssistantApiRef } from './api';
import { AssistantPanel, assistantPanel } from './components/AssistantPanel';

const rootRouteRef = createRouteRef();

const aiAssistantApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: aiAssistantApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new AiAssistantClient({ discoveryApi, fetchApi }),
    }),
});

/** The page's title and icon also make its sidebar entry (`page:ai-assistant`). */
const assistantPage = PageBlueprint.make({
  params: {
    path: '/ai-assistant',
    title: 'Assistant',
    icon: <RiChatAi3Line />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/AssistantPage').then(m => <m.AssistantPage />),
  },
});

/** The side panel, and the button that opens it on every entity page. */
const assistantPanelElement = AppRootElementBlueprint.make({
  name: 'panel',
  params: { element: <AssistantPanel /> },
});

/** "Ask the assistant" in the entity page's menu, for the same panel. */
const askAboutEntity = EntityContextMenuItemBlueprint.make({
  name: 'ask',
  params: {
    icon: <RiChatAi3Line size={16} />,
    useProps: () => {
      const { entity } = useEntity();
      return {
        title: 'Ask the assistant',
        onClick: () => assistantPanel.open(stringifyEntityRef(entity)),
      };
    },
  },
});

/** The AI assistant: a page at /ai-assistant and a panel on entity pages. */
export default createFrontendPlugin({
  pluginId: 'ai-assistant',
  title: 'Assistant',
  icon: <RiChatAi3Line />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [aiAssistantApi, assistantPage, assistantPanelElement, askAboutEntity],
});
