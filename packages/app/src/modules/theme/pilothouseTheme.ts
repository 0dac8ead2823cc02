import {
  createUnifiedTheme,
  genPageTheme,
  palettes,
  shapes,
} from '@backstage/theme';

/** The Pilothouse brand colours: deep navy hull, teal instruments. */
export const pilothouseColors = {
  navyDeep: '#0B1F3A',
  navy: '#14325C',
  teal: '#0E8C8C',
  tealBright: '#2DD4BF',
};

const { navyDeep, navy, teal, tealBright } = pilothouseColors;

// Page headers (the banner at the top of pages such as Home and sign-in)
// share a navy→teal gradient; the home page gets the deeper variant.
const headerTheme = genPageTheme({ colors: [navy, teal], shape: shapes.wave2 });
const homeHeaderTheme = genPageTheme({
  colors: [navyDeep, teal],
  shape: shapes.wave,
});
const pageTheme = {
  home: homeHeaderTheme,
  documentation: headerTheme,
  tool: headerTheme,
  service: headerTheme,
  website: headerTheme,
  library: headerTheme,
  other: headerTheme,
  app: headerTheme,
  apis: headerTheme,
  card: headerTheme,
};

const navigation = {
  background: navyDeep,
  indicator: tealBright,
  color: '#B8C7DA',
  selectedColor: '#FFFFFF',
  navItem: { hoverBackground: '#173563' },
  submenu: { background: '#10284A' },
};

export const pilothouseLightTheme = createUnifiedTheme({
  palette: {
    ...palettes.light,
    primary: { main: navy },
    secondary: { main: teal },
    link: teal,
    linkHover: navy,
    navigation,
    tabbar: { indicator: teal },
  },
  defaultPageTheme: 'home',
  pageTheme,
});

export const pilothouseDarkTheme = createUnifiedTheme({
  palette: {
    ...palettes.dark,
    primary: { main: tealBright },
    secondary: { main: '#7FB2F0' },
    link: tealBright,
    linkHover: '#99F6E4',
    // Page and card backgrounds stay Backstage's neutral greys, which the
    // newer (Backstage UI) pages use too; navy is for navigation and headers.
    navigation: { ...navigation, background: '#071326' },
    tabbar: { indicator: tealBright },
  },
  defaultPageTheme: 'home',
  pageTheme,
});
