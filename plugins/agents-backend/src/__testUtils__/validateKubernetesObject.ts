import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import {
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  ConfigMap,
  LimitRange,
  Namespace,
  ResourceQuota,
  ServiceAccount,
} from 'kubernetes-models/v1';
import type { KubeObject } from '../render/manifests';

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/ResourceQuota': ResourceQuota,
  'v1/LimitRange': LimitRange,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'argoproj.io/v1alpha1/Application': Application,
};

/** Validates an object against its Kubernetes (or Argo CD) schema; throws what is wrong. */
export function validateKubernetesObject(obj: KubeObject): void {
  const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!Model) {
    throw new Error(`no schema for ${obj.apiVersion} ${obj.kind}`);
  }
  new Model(obj).validate();
}
