import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

// Unnamed, so its ID is sign-in-page:app and it replaces the app plugin's
// default (guest-only) sign-in page.
const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () =>
      import('./PilothouseSignInPage').then(m => m.PilothouseSignInPage),
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage],
});
