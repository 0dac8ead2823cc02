import { Link } from '@backstage/core-components';
import { Box, Chip, Grid, Typography, makeStyles } from '@material-ui/core';

const useStyles = makeStyles(theme => ({
  list: {
    margin: 0,
    paddingLeft: theme.spacing(2.5),
    '& li': {
      ...theme.typography.body2,
      marginBottom: theme.spacing(1),
    },
  },
  heading: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1),
  },
}));

/** What Pilothouse is, what works today and what is coming. */
export const PilothouseWelcome = () => {
  const classes = useStyles();

  return (
    <Box>
      <Typography variant="body1" paragraph>
        Pilothouse is our AI-native internal developer portal: one place to see
        what we run and who owns it, and to start new work the approved way.
      </Typography>
      <Grid container spacing={3}>
        <Grid item xs={12} md={6}>
          <div className={classes.heading}>
            <Typography variant="h6" component="h3">
              Available now
            </Typography>
          </div>
          <ul className={classes.list}>
            <li>
              <Link to="/catalog">Software Catalog</Link>: services, systems,
              resources, teams and who owns what.
            </li>
            <li>
              <Link to="/api-docs">APIs</Link>: API definitions, with who
              provides and consumes them.
            </li>
            <li>
              <Link to="/create">Software Templates</Link>: vetted templates for
              new projects and catalog entries.
            </li>
            <li>
              <Link to="/search">Search</Link> across the catalog.
            </li>
            <li>Catalog and template actions for AI tools, over MCP.</li>
          </ul>
        </Grid>
        <Grid item xs={12} md={6}>
          <div className={classes.heading}>
            <Typography variant="h6" component="h3">
              Coming next
            </Typography>
            <Chip size="small" label="Not available yet" />
          </div>
          <ul className={classes.list}>
            <li>
              AI agents and MCP servers in the catalog, each with an owner.
            </li>
            <li>SLOs on the services they cover.</li>
            <li>
              A governed AI assistant that answers from the catalog, within your
              permissions.
            </li>
          </ul>
        </Grid>
      </Grid>
    </Box>
  );
};
