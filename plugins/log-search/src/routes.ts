import {
  createExternalRouteRef,
  createRouteRef,
  createSubRouteRef,
} from '@backstage/frontend-plugin-api';

/** The Logs page, `/logs`. */
export const rootRouteRef = createRouteRef();

export const detectionsRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/detections',
});

export const detectionRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/detections/:id',
});

/** The AI assistant's page, where a detection is triaged (`?q=` prefills). */
export const assistantRouteRef = createExternalRouteRef({
  defaultTarget: 'ai-assistant.root',
});
