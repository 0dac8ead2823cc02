import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { fakeAgentsApi, releaseAgent } from '../../__fixtures__/entities';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { ManifestsContent } from './ManifestsContent';

const yaml = `apiVersion: v1
kind: Namespace
metadata:
  name: agent-release
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: release-agent
  namespace: agent-release
`;

describe('an agent’s Manifests tab', () => {
  const createObjectURL = URL.createObjectURL;
  const revokeObjectURL = URL.revokeObjectURL;
  afterEach(() => {
    URL.createObjectURL = createObjectURL;
    URL.revokeObjectURL = revokeObjectURL;
    jest.restoreAllMocks();
  });

  it('shows the rendered YAML and downloads it under the name the server gives', async () => {
    const file = new Blob([yaml], { type: 'application/yaml' });
    const agentsApi = fakeAgentsApi({
      getManifests: async () => yaml,
      downloadManifests: async () => ({
        filename: 'release-agent-manifests.yaml',
        content: file,
      }),
    });
    // jsdom has no object URLs and does not save files: record what the
    // browser would be asked to save.
    URL.createObjectURL = jest.fn(() => 'blob:release-agent-manifests');
    URL.revokeObjectURL = jest.fn();
    const saved: { href: string; download: string }[] = [];
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        saved.push({ href: this.href, download: this.download });
      });

    renderWithApis(<ManifestsContent />, { agentsApi, entity: releaseAgent });

    expect(
      await screen.findByText(
        '2 Kubernetes objects that run release-agent isolated in namespace agent-release',
      ),
    ).toBeInTheDocument();
    // The code view loads its highlighter lazily and splits the YAML into
    // many spans: read it whole.
    const code = await screen.findByText(
      (_content, element) =>
        element?.tagName === 'CODE' &&
        !!element.textContent?.includes('kind: ServiceAccount'),
    );
    expect(code.textContent).toContain('name: agent-release');

    await userEvent.click(
      screen.getByRole('button', { name: 'Download YAML' }),
    );
    expect(agentsApi.downloadManifests).toHaveBeenCalledWith({
      kind: 'Agent',
      namespace: 'default',
      name: 'release-agent',
    });
    expect(URL.createObjectURL).toHaveBeenCalledWith(file);
    expect(saved).toEqual([
      {
        href: 'blob:release-agent-manifests',
        download: 'release-agent-manifests.yaml',
      },
    ]);
  });

  it('says why an agent cannot be rendered', async () => {
    const agentsApi = fakeAgentsApi({
      getManifests: async () => {
        throw await ResponseError.fromResponse(
          new Response(
            JSON.stringify({
              error: {
                name: 'InputError',
                message:
                  'Refusing to render agent:default/release-agent: tool sync_application declares a wildcard permission',
              },
              response: { statusCode: 400 },
            }),
            {
              status: 400,
              statusText: 'Bad Request',
              headers: { 'Content-Type': 'application/json' },
            },
          ),
        );
      },
    });
    renderWithApis(<ManifestsContent />, { agentsApi, entity: releaseAgent });
    expect(
      await screen.findByText(/The manifests could not be rendered/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/declares a wildcard permission/).length,
    ).toBeGreaterThan(0);
  });
});
