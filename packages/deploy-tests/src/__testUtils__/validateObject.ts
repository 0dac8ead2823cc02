import {
  AppProject,
  Application,
} from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1beta1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  ClusterRole,
  ClusterRoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  ConfigMap,
  Namespace,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-models/v1';
import type { KubeObject } from './kustomize';

type Model = new (data: any) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'argoproj.io/v1alpha1/Application': Application,
  'argoproj.io/v1alpha1/AppProject': AppProject,
  'external-secrets.io/v1beta1/ExternalSecret': ExternalSecret,
};

/**
 * The External Secrets Operator's v1 API is its v1beta1 promoted without
 * schema changes; the models package predates v1, so v1 objects are checked
 * against the v1beta1 schema.
 */
const SAME_SCHEMA_AS: Record<string, string> = {
  'external-secrets.io/v1': 'external-secrets.io/v1beta1',
};

/**
 * Validates an object against its Kubernetes (or Argo CD, or External
 * Secrets) schema; throws naming the object and what is wrong.
 */
export function validateObject(object: KubeObject): void {
  const apiVersion = SAME_SCHEMA_AS[object.apiVersion] ?? object.apiVersion;
  const Model = MODELS[`${apiVersion}/${object.kind}`];
  const name = `${object.kind} ${object.metadata?.name}`;
  if (!Model) {
    throw new Error(
      `${name}: no schema for ${object.apiVersion} ${object.kind}`,
    );
  }
  try {
    new Model({ ...object, apiVersion }).validate();
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`);
  }
}
