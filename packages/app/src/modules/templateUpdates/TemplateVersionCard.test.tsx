import { Entity } from '@backstage/catalog-model';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { catalogApiRef, EntityProvider } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import {
  compareTemplateVersions,
  parseTemplateAnnotation,
  TemplateVersionCard,
  updateFormData,
} from './TemplateVersionCard';

const template: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'service-pipeline',
    title: 'Service pipeline',
    annotations: { 'pilothouse.io/template-version': '1.2.0' },
  },
  spec: {
    parameters: [
      {
        properties: {
          mode: { type: 'string', enum: ['new', 'existing', 'update'] },
          name: { type: 'string' },
        },
      },
      {
        properties: {
          language: { type: 'string', enum: ['node', 'python', 'go', 'java'] },
          strategy: {
            type: 'string',
            enum: ['rolling', 'canary', 'blue-green'],
          },
        },
      },
      { properties: { publishTo: { enum: ['local', 'github', 'gitlab'] } } },
    ],
  },
};

function component(annotation: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'orders',
      tags: ['go', 'orders'],
      annotations: {
        'pilothouse.io/template': annotation,
        'github.com/project-slug': 'pilothouse-demo/orders',
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

async function renderCard(entity: Entity) {
  await renderInTestApp(
    <TestApiProvider
      apis={[[catalogApiRef, catalogApiMock({ entities: [template] })]]}
    >
      <EntityProvider entity={entity}>
        <TemplateVersionCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('template versions', () => {
  it('reads the annotation the templates write', () => {
    expect(parseTemplateAnnotation('service-pipeline@1.0.0')).toEqual({
      templateRef: 'template:default/service-pipeline',
      version: '1.0.0',
    });
    expect(parseTemplateAnnotation('service-pipeline')).toBeUndefined();
  });

  it('compares versions as semver, not as text', () => {
    expect(compareTemplateVersions('1.9.0', '1.10.0').kind).toBe('outdated');
    expect(compareTemplateVersions('1.10.0', '1.10.0').kind).toBe('current');
    expect(compareTemplateVersions('2.0.0', '1.10.0').kind).toBe('current');
    expect(compareTemplateVersions('1.0.0', undefined).kind).toBe('unknown');
  });

  it('tells the owner of an older generated repository that a newer version exists', async () => {
    await renderCard(component('service-pipeline@1.0.0'));
    expect(
      await screen.findByText('Version 1.2.0 available'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Generated from/)).toHaveTextContent(
      'Generated from Service pipeline 1.0.0',
    );
    expect(
      screen.getAllByRole('link', { name: 'Service pipeline' })[0],
    ).toHaveAttribute('href', '/create/templates/default/service-pipeline');
    // One click to the template's form, filled in for this component.
    const update = screen.getByRole('link', { name: 'Update to 1.2.0' });
    const url = new URL(update.getAttribute('href')!, 'http://portal');
    expect(url.pathname).toBe('/create/templates/default/service-pipeline');
    expect(JSON.parse(url.searchParams.get('formData')!)).toEqual({
      mode: 'update',
      name: 'orders',
      owner: 'team-a',
      publishTo: 'github',
      repoUrl: 'github.com?owner=pilothouse-demo&repo=orders',
      language: 'go',
    });
  });

  it('fills the update from what the entity says of itself', () => {
    const entity = component('service-pipeline@1.0.0');
    entity.metadata.tags = ['node', 'canary', 'payments'];
    entity.metadata.description = 'Takes payments';
    delete entity.metadata.annotations!['github.com/project-slug'];
    expect(updateFormData(entity, template)).toEqual({
      mode: 'update',
      name: 'orders',
      owner: 'team-a',
      description: 'Takes payments',
      publishTo: 'local',
      language: 'node',
      strategy: 'canary',
    });
    entity.metadata.annotations!['gitlab.com/project-slug'] =
      'shop/backend/orders';
    expect(updateFormData(entity, template)).toMatchObject({
      publishTo: 'gitlab',
      repoUrl: 'gitlab.com?owner=shop%2Fbackend&repo=orders',
    });
    // A template that cannot update offers no update.
    expect(
      updateFormData(entity, { ...template, spec: { parameters: [] } }),
    ).toBeUndefined();
  });

  it('says up to date when the repository has the current version', async () => {
    await renderCard(component('service-pipeline@1.2.0'));
    expect(await screen.findByText('Up to date')).toBeInTheDocument();
  });

  it('says when the template is gone from the catalog', async () => {
    await renderCard(component('agent-service@0.1.0'));
    expect(
      await screen.findByText(
        'template:default/agent-service is no longer in the catalog.',
      ),
    ).toBeInTheDocument();
  });
});
