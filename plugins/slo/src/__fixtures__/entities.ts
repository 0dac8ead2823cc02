import type { Entity } from '@backstage/catalog-model';

/** The payments component as the catalog serves it, with the relation its SLO adds. */
export const paymentsComponent: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'default', title: 'Payments' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:payments-team',
    system: 'payments-platform',
  },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/payments-team' },
    { type: 'measuredBy', targetRef: 'slo:default/payments-availability' },
  ],
};

/** A component no SLO measures. */
export const pilothouseComponent: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'pilothouse', namespace: 'default' },
  spec: {
    type: 'website',
    lifecycle: 'production',
    owner: 'group:platform-team',
  },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/platform-team' },
    // Only `measuredBy` makes an entity measured.
    { type: 'ownerOf', targetRef: 'slo:default/portal-availability' },
  ],
};

/** The payments SLO as an OpenSLO document ingested into the catalog. */
export const paymentsSloEntity: Entity = {
  apiVersion: 'openslo/v1',
  kind: 'SLO',
  metadata: {
    name: 'payments-availability',
    namespace: 'default',
    title: 'Payments availability',
  },
  spec: {
    service: 'payments',
    budgetingMethod: 'Occurrences',
    objectives: [{ target: 0.999 }],
    timeWindow: [{ duration: '30d', isRolling: true }],
  },
  relations: [{ type: 'measures', targetRef: 'component:default/payments' }],
};
