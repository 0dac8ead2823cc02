import {
  Sidebar,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarSpace,
} from '@backstage/core-components';
import { NavContentBlueprint } from '@backstage/plugin-app-react';
import { SidebarLogo } from './SidebarLogo';
import MenuIcon from '@material-ui/icons/Menu';
import SearchIcon from '@material-ui/icons/Search';
import ReportProblemIcon from '@material-ui/icons/ReportProblemOutlined';
import { SidebarSearchModal } from '@backstage/plugin-search';
import { UserSettingsSignInAvatar } from '@backstage/plugin-user-settings';
import { NotificationsSidebarItem } from '@backstage/plugin-notifications';

/**
 * The Pilothouse sidebar lists only the pages that work on every install:
 * Search, Home, Catalog, APIs, Create, Assistant, Agents, Logs, SLOs, AI Gateway,
 * Notifications and Settings.
 *
 * Pages of other installed plugins (for example the app visualizer at
 * /visualizer, catalog graph, catalog import) stay reachable by URL but get
 * no sidebar entry: new plugins must be added here on purpose.
 */
export const SidebarContent = NavContentBlueprint.make({
  params: {
    component: ({ navItems }) => {
      const nav = navItems.withComponent(item => (
        <SidebarItem icon={() => item.icon} to={item.href} text={item.title} />
      ));

      return (
        <Sidebar>
          <SidebarLogo />
          <SidebarGroup label="Search" icon={<SearchIcon />} to="/search">
            <SidebarSearchModal />
          </SidebarGroup>
          <SidebarDivider />
          <SidebarGroup label="Menu" icon={<MenuIcon />}>
            {nav.take('page:home')}
            {nav.take('page:catalog')}
            {nav.take('page:api-docs')}
            {nav.take('page:scaffolder')}
            {/* The AI assistant's chat (plugins/ai-assistant). */}
            {nav.take('page:ai-assistant')}
            {/* AI agents and MCP servers, with their isolation (plugins/agents). */}
            {nav.take('page:agents')}
            {/* Log search and security detections (plugins/log-search). */}
            {nav.take('page:log-search')}
            {/* Error budgets and burn rates of every SLO (plugins/slo). */}
            {nav.take('page:slo')}
            {/* The LLM security gateway's admin page (plugins/llm-gateway). */}
            {nav.take('page:llm-gateway')}
            {/* Catalog files that failed to load, with their errors. */}
            <SidebarItem
              icon={ReportProblemIcon}
              to="/catalog-unprocessed-entities"
              text="Unprocessed Entities"
            />
          </SidebarGroup>
          <SidebarSpace />
          <SidebarDivider />
          <NotificationsSidebarItem />
          <SidebarDivider />
          <SidebarGroup
            label="Settings"
            icon={<UserSettingsSignInAvatar />}
            to="/settings"
          >
            {nav.take('page:user-settings')}
          </SidebarGroup>
        </Sidebar>
      );
    },
  },
});
