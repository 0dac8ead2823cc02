import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import { Link as RouterLink } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { logSearchApiRef } from '../../api';
import { bySeverityThenRecency } from '../../detections';
import { detectionRouteRef, detectionsRouteRef } from '../../routes';
import { LevelChip } from '../DetectionsPage/LevelChip';

const SHOWN = 5;

/**
 * The entity's open detections, most severe first; nothing at all when it
 * has none (or they cannot be read), so quiet components stay uncluttered.
 */
export function RecentDetectionsCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(logSearchApiRef);
  const detectionLink = useRouteRef(detectionRouteRef);
  const detectionsLink = useRouteRef(detectionsRouteRef);
  const open = useAsync(
    () => api.listDetections({ status: 'open', entityRef }),
    [api, entityRef],
  );
  const items = [...(open.value ?? [])].sort(bySeverityThenRecency);
  if (!items.length) return null;

  const all = `${
    detectionsLink?.() ?? '/logs/detections'
  }?${new URLSearchParams({ entity: entityRef })}`;
  return (
    <InfoCard
      title="Open detections"
      subheader={`${items.length} open`}
      deepLink={{ title: 'All detections', link: all }}
    >
      <List dense aria-label="Open detections">
        {items.slice(0, SHOWN).map(detection => (
          <ListItem key={detection.id} disableGutters>
            <Stack direction="row" spacing={1} alignItems="center">
              <LevelChip level={detection.level} />
              <ListItemText
                primary={
                  <Link
                    component={RouterLink}
                    to={
                      detectionLink?.({ id: detection.id }) ??
                      `/logs/detections/${encodeURIComponent(detection.id)}`
                    }
                  >
                    {detection.ruleTitle}
                  </Link>
                }
                secondary={`${detection.count} events, last ${new Date(
                  detection.lastSeen,
                ).toLocaleString()}`}
              />
            </Stack>
          </ListItem>
        ))}
      </List>
    </InfoCard>
  );
}
