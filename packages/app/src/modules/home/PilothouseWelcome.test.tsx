import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { PilothouseWelcome } from './PilothouseWelcome';
import { pilothouseDefaultHomeLayout } from './PilothouseHomeLayout';

describe('PilothouseWelcome', () => {
  it('says what Pilothouse is and links to the parts that work today', async () => {
    await renderInTestApp(<PilothouseWelcome />);

    expect(
      screen.getByText(/Pilothouse is our AI-native internal developer portal/),
    ).toBeInTheDocument();
    const links = Object.fromEntries(
      screen
        .getAllByRole('link')
        .map(link => [link.textContent, link.getAttribute('href')]),
    );
    expect(links).toEqual({
      'Software Catalog': '/catalog',
      APIs: '/api-docs',
      'Software Templates': '/create',
      Search: '/search',
    });
  });

  it('marks AI agents, MCP servers, SLOs and the AI assistant as coming, not available', async () => {
    await renderInTestApp(<PilothouseWelcome />);

    const coming = screen.getByRole('heading', { name: 'Coming next' })
      .parentElement!.nextElementSibling as HTMLElement;
    expect(screen.getByText('Not available yet')).toBeInTheDocument();
    expect(coming).toHaveTextContent(/AI agents and MCP servers/);
    expect(coming).toHaveTextContent(/SLOs/);
    expect(coming).toHaveTextContent(/AI assistant/);
  });
});

describe('pilothouseDefaultHomeLayout', () => {
  it('starts with the welcome card and only uses widgets that are installed', () => {
    expect(pilothouseDefaultHomeLayout[0].component).toBe('PilothouseWelcome');
    // Widget names of the home plugin that stay enabled (random joke and
    // world clock are disabled by the home module).
    const installed = [
      'PilothouseWelcome',
      'HomePageStarredEntities',
      'HomePageRecentlyVisited',
      'HomePageMostVisited',
      'HomePageToolkit',
    ];
    for (const item of pilothouseDefaultHomeLayout) {
      expect(installed).toContain(item.component);
    }
  });
});
