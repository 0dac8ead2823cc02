/**
 * The Pilothouse mark: a ship's wheel, drawn in a 100×100 box centred on
 * (50, 50). Shared by the full logo and the icon.
 */
const SPOKE_ANGLES = [0, 45, 90, 135, 180, 225, 270, 315];

export const ShipWheel = ({ color }: { color: string }) => (
  <g
    fill="none"
    stroke={color}
    strokeLinecap="round"
    data-testid="pilothouse-wheel"
  >
    {SPOKE_ANGLES.map(angle => (
      <line
        key={angle}
        x1={50}
        y1={50}
        x2={50}
        y2={4}
        strokeWidth={7}
        transform={`rotate(${angle} 50 50)`}
      />
    ))}
    <circle cx={50} cy={50} r={31} strokeWidth={7} />
    <circle cx={50} cy={50} r={9} strokeWidth={6} />
  </g>
);

export const pilothouseLogoColors = {
  wheel: '#2DD4BF',
  text: '#FFFFFF',
};
