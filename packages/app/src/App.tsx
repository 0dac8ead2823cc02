import { createApp } from '@backstage/frontend-defaults';
import apiDocsPlugin from '@backstage/plugin-api-docs/alpha';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import homePlugin from '@backstage/plugin-home/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import searchPlugin from '@backstage/plugin-search/alpha';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import agentsPlugin from '@pilothouse/plugin-agents/alpha';
import aiAssistantPlugin from '@pilothouse/plugin-ai-assistant/alpha';
import llmGatewayPlugin from '@pilothouse/plugin-llm-gateway/alpha';
import logSearchPlugin from '@pilothouse/plugin-log-search/alpha';
import sloPlugin from '@pilothouse/plugin-slo/alpha';
import { argocdPlugin } from './modules/argocd';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { signInModule } from './modules/signIn';
import { telemetryModule } from './modules/telemetry';
import { templateUpdatesModule } from './modules/templateUpdates';
import { themeModule } from './modules/theme';

export default createApp({
  features: [
    // `app.packages: all` discovers every plugin in package.json; the ones
    // the Pilothouse sidebar is built on are listed too, so the app (and its
    // tests, which do no discovery) always has them.
    catalogPlugin,
    apiDocsPlugin,
    scaffolderPlugin,
    searchPlugin,
    homePlugin,
    notificationsPlugin,
    userSettingsPlugin,
    argocdPlugin,
    llmGatewayPlugin,
    aiAssistantPlugin,
    agentsPlugin,
    logSearchPlugin,
    sloPlugin,
    navModule,
    homeModule,
    signInModule,
    themeModule,
    templateUpdatesModule,
    telemetryModule,
  ],
});
