import { Content } from '@backstage/core-components';
import { LogsView } from '../LogsView/LogsView';
import { LogSearchTabs } from './LogSearchTabs';

/** `/logs`: search every service's logs. */
export function LogsPage() {
  return (
    <Content>
      <LogSearchTabs current="logs" />
      <LogsView />
    </Content>
  );
}
