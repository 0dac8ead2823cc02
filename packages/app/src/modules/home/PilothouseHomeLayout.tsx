import { Fragment, useMemo } from 'react';
import { Content, Header, Page } from '@backstage/core-components';
import { CustomHomepageGrid } from '@backstage/plugin-home';
import type {
  HomePageDefaultConfigItem,
  HomePageLayoutProps,
} from '@backstage/plugin-home-react/alpha';

/**
 * The home page layout used when app-config.yaml sets no
 * `page:home` `defaultConfig`: the Pilothouse welcome card on the left,
 * starred entities and recently visited pages on the right. Users can still
 * edit their own layout; `component` is the widget's name.
 */
export const pilothouseDefaultHomeLayout: HomePageDefaultConfigItem[] = [
  { component: 'PilothouseWelcome', column: 0, row: 0, width: 8, height: 8 },
  {
    component: 'HomePageStarredEntities',
    column: 8,
    row: 0,
    width: 4,
    height: 4,
  },
  {
    component: 'HomePageRecentlyVisited',
    column: 8,
    row: 4,
    width: 4,
    height: 4,
  },
];

// 12 columns from the sm breakpoint (a 600px wide grid) up, so the
// side-by-side default layout also holds on a laptop screen next to the open
// sidebar; narrower, the cards stack.
const gridColumns = { xl: 12, lg: 12, md: 12, sm: 12, xs: 4, xxs: 2 };

export const PilothouseHomeLayout = ({
  widgets,
  defaultConfig,
}: HomePageLayoutProps) => {
  const gridConfig = useMemo(
    () =>
      (defaultConfig ?? pilothouseDefaultHomeLayout).map(item => ({
        component: item.component,
        x: item.column,
        y: item.row,
        width: item.width,
        height: item.height,
        movable: item.movable,
        deletable: item.deletable,
        resizable: item.resizable,
      })),
    [defaultConfig],
  );

  return (
    <Page themeId="home">
      <Header
        title="Pilothouse"
        subtitle="The AI-native internal developer portal"
      />
      <Content>
        <CustomHomepageGrid config={gridConfig} cols={gridColumns}>
          {widgets.map((widget, index) => (
            <Fragment key={widget.name ?? index}>{widget.component}</Fragment>
          ))}
        </CustomHomepageGrid>
      </Content>
    </Page>
  );
};
