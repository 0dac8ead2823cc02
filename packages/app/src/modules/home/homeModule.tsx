import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  HomePageLayoutBlueprint,
  HomePageWidgetBlueprint,
} from '@backstage/plugin-home-react/alpha';
import homePlugin from '@backstage/plugin-home/alpha';

const pilothouseWelcomeWidget = HomePageWidgetBlueprint.make({
  name: 'pilothouse-welcome',
  params: {
    name: 'PilothouseWelcome',
    title: 'Welcome to Pilothouse',
    description: 'What Pilothouse is, what works today and what is coming',
    components: () =>
      import('./PilothouseWelcome').then(m => ({
        Content: m.PilothouseWelcome,
      })),
    layout: {
      width: { defaultColumns: 8, minColumns: 4 },
      height: { defaultRows: 8, minRows: 6 },
    },
  },
});

const pilothouseHomeLayout = HomePageLayoutBlueprint.make({
  params: {
    loader: () =>
      import('./PilothouseHomeLayout').then(m => m.PilothouseHomeLayout),
  },
});

// The home plugin ships a random-joke widget (calls an external joke API) and
// a world clock; neither belongs on Pilothouse's home page.
const randomJokeWidget = homePlugin
  .getExtension('home-page-widget:home/random-joke')
  .override({ disabled: true });
const worldClockWidget = homePlugin
  .getExtension('home-page-widget:home/world-clock')
  .override({ disabled: true });

// The "Recently visited" and "Most visited" widgets need the visits API and
// the listener that records page visits; the home plugin ships both disabled.
const visitsApi = homePlugin
  .getExtension('api:home/visits')
  .override({ disabled: false });
const visitListener = homePlugin
  .getExtension('app-root-element:home/visit-listener')
  .override({ disabled: false });

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [
    pilothouseWelcomeWidget,
    pilothouseHomeLayout,
    randomJokeWidget,
    worldClockWidget,
    visitsApi,
    visitListener,
  ],
});
