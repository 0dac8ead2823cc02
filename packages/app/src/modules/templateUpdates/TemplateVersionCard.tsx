import {
  type Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef, useEntity } from '@backstage/plugin-catalog-react';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import semver from 'semver';

/** Written by each template into the repositories it generates: `<template>@<version>`. */
export const TEMPLATE_ANNOTATION = 'pilothouse.io/template';
/** On a Template entity: the version it generates now. */
export const TEMPLATE_VERSION_ANNOTATION = 'pilothouse.io/template-version';

export type TemplateStatus =
  | { kind: 'current'; version: string }
  | { kind: 'outdated'; version: string; latest: string }
  | { kind: 'unknown'; version: string; reason: string };

/** Parses `service-pipeline@1.0.0` (the template may be a full entity ref). */
export function parseTemplateAnnotation(
  value: string,
): { templateRef: string; version: string } | undefined {
  const at = value.lastIndexOf('@');
  if (at <= 0) return undefined;
  const version = value.slice(at + 1).trim();
  const name = value.slice(0, at).trim();
  if (!name || !version) return undefined;
  const ref = parseEntityRef(name, {
    defaultKind: 'template',
    defaultNamespace: 'default',
  });
  return { templateRef: stringifyEntityRef(ref), version };
}

/** Compares what a repository was generated from with the template's current version. */
export function compareTemplateVersions(
  generated: string,
  latest: string | undefined,
): TemplateStatus {
  if (!latest) {
    return {
      kind: 'unknown',
      version: generated,
      reason: 'The template does not say which version it generates.',
    };
  }
  const a = semver.valid(semver.coerce(generated));
  const b = semver.valid(semver.coerce(latest));
  if (!a || !b) {
    return generated === latest
      ? { kind: 'current', version: generated }
      : {
          kind: 'unknown',
          version: generated,
          reason: `Versions ${generated} and ${latest} cannot be compared.`,
        };
  }
  return semver.lt(a, b)
    ? { kind: 'outdated', version: generated, latest }
    : { kind: 'current', version: generated };
}

type JsonSchemaProperty = { enum?: unknown[] };

/** The properties of a template's parameter pages, by name. */
function templateProperties(template: Entity): Map<string, JsonSchemaProperty> {
  const pages = template.spec?.parameters;
  const properties = new Map<string, JsonSchemaProperty>();
  for (const page of Array.isArray(pages) ? pages : [pages]) {
    const props = (page as { properties?: unknown } | undefined)?.properties;
    if (props && typeof props === 'object') {
      for (const [key, value] of Object.entries(props)) {
        properties.set(key, (value ?? {}) as JsonSchemaProperty);
      }
    }
  }
  return properties;
}

/**
 * The template form's values for updating `entity`'s repository, when the
 * template offers that (a `mode` parameter with `update`): what the entity
 * says of itself (name, owner, description) and the choices its tags
 * record (a tag that is one of a parameter's values, e.g. the language).
 */
export function updateFormData(
  entity: Entity,
  template: Entity,
): Record<string, unknown> | undefined {
  const properties = templateProperties(template);
  if (!properties.get('mode')?.enum?.includes('update')) return undefined;
  const formData: Record<string, unknown> = {
    mode: 'update',
    name: entity.metadata.name,
  };
  if (typeof entity.spec?.owner === 'string')
    formData.owner = entity.spec.owner;
  if (entity.metadata.description) {
    formData.description = entity.metadata.description;
  }
  // Where the repository is, from the annotations the templates write.
  const annotations = entity.metadata.annotations ?? {};
  const publishTo = properties.get('publishTo')?.enum ?? [];
  for (const [host, annotation] of [
    ['github', 'github.com/project-slug'],
    ['gitlab', 'gitlab.com/project-slug'],
  ]) {
    const slug = annotations[annotation];
    const at = slug?.lastIndexOf('/') ?? -1;
    if (slug && at > 0 && publishTo.includes(host)) {
      formData.publishTo = host;
      formData.repoUrl = `${
        host === 'gitlab'
          ? annotations['gitlab.com/instance'] ?? 'gitlab.com'
          : 'github.com'
      }?${new URLSearchParams({
        owner: slug.slice(0, at),
        repo: slug.slice(at + 1),
      })}`;
    }
  }
  if (!formData.publishTo && publishTo.includes('local')) {
    formData.publishTo = 'local';
  }
  const tags = entity.metadata.tags ?? [];
  for (const [key, property] of properties) {
    if (key in formData || !property.enum) continue;
    const chosen = tags.filter(tag => property.enum!.includes(tag));
    if (chosen.length === 1) formData[key] = chosen[0];
  }
  return formData;
}

/**
 * On pages of components generated from a Pilothouse template: which
 * template and version they came from, and whether a newer version exists
 * (re-running the template on the existing component brings the changes).
 */
export function TemplateVersionCard() {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const parsed = parseTemplateAnnotation(
    entity.metadata.annotations?.[TEMPLATE_ANNOTATION] ?? '',
  );
  const { value, loading, error } = useAsync(async () => {
    if (!parsed) return undefined;
    return (await catalogApi.getEntityByRef(parsed.templateRef)) ?? null;
  }, [catalogApi, parsed?.templateRef]);

  if (!parsed) {
    return (
      <InfoCard title="Template">
        <Typography>
          The {TEMPLATE_ANNOTATION} annotation should read
          &lt;template&gt;@&lt;version&gt;.
        </Typography>
      </InfoCard>
    );
  }
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;

  const { name, namespace } = parseEntityRef(parsed.templateRef);
  const title = value?.metadata.title ?? name;
  const templateUrl = `/create/templates/${namespace}/${name}`;
  // The scaffolder fills its form from ?formData= (as its "Start over" does).
  const formData = value ? updateFormData(entity, value) : undefined;
  const updateUrl = formData
    ? `${templateUrl}?${new URLSearchParams({
        formData: JSON.stringify(formData),
      })}`
    : undefined;
  const status: TemplateStatus = value
    ? compareTemplateVersions(
        parsed.version,
        value.metadata.annotations?.[TEMPLATE_VERSION_ANNOTATION],
      )
    : {
        kind: 'unknown',
        version: parsed.version,
        reason: `${parsed.templateRef} is no longer in the catalog.`,
      };

  return (
    <InfoCard title="Template">
      <Stack spacing={1.5} aria-label="Template version">
        <Stack direction="row" spacing={1} alignItems="center">
          <Typography>
            Generated from{' '}
            {value ? <Link to={templateUrl}>{title}</Link> : title}{' '}
            {status.version}
          </Typography>
          {status.kind === 'current' && (
            <Chip size="small" color="success" label="Up to date" />
          )}
          {status.kind === 'outdated' && (
            <Chip
              size="small"
              color="warning"
              label={`Version ${status.latest} available`}
            />
          )}
        </Stack>
        {status.kind === 'outdated' && updateUrl && (
          <>
            <Typography variant="body2">
              The template has changed since this repository was generated.
              Updating runs {title} {status.latest} for this component and
              brings the result as a branch, pull request or merge request to
              review; files the template does not write stay as they are.
            </Typography>
            <div>
              <Button
                component={RouterLink}
                to={updateUrl}
                variant="outlined"
                size="small"
              >
                Update to {status.latest}
              </Button>
            </div>
          </>
        )}
        {status.kind === 'outdated' && !updateUrl && (
          <Typography variant="body2">
            The template has changed since this repository was generated. Run{' '}
            <Link to={templateUrl}>{title}</Link> again for this component
            (choose the existing component) to get version {status.latest}.
          </Typography>
        )}
        {status.kind === 'unknown' && (
          <Typography variant="body2" color="text.secondary">
            {status.reason}
          </Typography>
        )}
      </Stack>
    </InfoCard>
  );
}
