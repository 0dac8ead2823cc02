import { makeStyles } from '@material-ui/core';
import { ShipWheel, pilothouseLogoColors } from './ShipWheel';

const useStyles = makeStyles({
  svg: {
    width: 'auto',
    height: 30,
  },
});

export const LogoFull = () => {
  const classes = useStyles();

  return (
    <svg
      className={classes.svg}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 420 100"
      aria-hidden="true"
    >
      <ShipWheel color={pilothouseLogoColors.wheel} />
      <text
        x={112}
        y={68}
        fill={pilothouseLogoColors.text}
        fontFamily='"Helvetica Neue", Helvetica, Arial, sans-serif'
        fontSize={52}
        fontWeight={700}
        letterSpacing={0.5}
      >
        Pilothouse
      </text>
    </svg>
  );
};
