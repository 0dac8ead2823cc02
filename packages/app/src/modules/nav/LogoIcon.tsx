import { makeStyles } from '@material-ui/core';
import { ShipWheel, pilothouseLogoColors } from './ShipWheel';

const useStyles = makeStyles({
  svg: {
    width: 'auto',
    height: 28,
  },
});

export const LogoIcon = () => {
  const classes = useStyles();

  return (
    <svg
      className={classes.svg}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 100 100"
      aria-hidden="true"
    >
      <ShipWheel color={pilothouseLogoColors.wheel} />
    </svg>
  );
};
