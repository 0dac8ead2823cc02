import { useRouteRef } from '@backstage/frontend-plugin-api';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import { Link } from 'react-router-dom';
import { detectionsRouteRef, rootRouteRef } from '../../routes';

/** Logs | Detections, at the top of both pages. */
export function LogSearchTabs(props: { current: 'logs' | 'detections' }) {
  const logsLink = useRouteRef(rootRouteRef);
  const detectionsLink = useRouteRef(detectionsRouteRef);
  return (
    <Tabs
      value={props.current}
      aria-label="Log search sections"
      sx={{ mb: 2, borderBottom: 1, borderColor: 'divider' }}
    >
      <Tab
        value="logs"
        label="Logs"
        component={Link}
        to={logsLink?.() ?? '/logs'}
      />
      <Tab
        value="detections"
        label="Detections"
        component={Link}
        to={detectionsLink?.() ?? '/logs/detections'}
      />
    </Tabs>
  );
}
