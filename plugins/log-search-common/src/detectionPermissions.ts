import { createPermission } from '@backstage/plugin-permission-common';

/** See detections, their matching events and the loaded rules. */
export const logSearchDetectionsReadPermission = createPermission({
  name: 'log-search.detections.read',
  attributes: { action: 'read' },
});

/** Acknowledge or resolve a detection. */
export const logSearchDetectionsUpdatePermission = createPermission({
  name: 'log-search.detections.update',
  attributes: { action: 'update' },
});

export const logSearchDetectionPermissions = [
  logSearchDetectionsReadPermission,
  logSearchDetectionsUpdatePermission,
];
