import { useRef } from 'react';

/**
 * The last value that was not undefined: a dialog closed by clearing its
 * subject keeps showing that subject while it fades out.
 */
export function useLastDefined<T>(value: T | undefined): T | undefined {
  const last = useRef(value);
  if (value !== undefined) last.current = value;
  return last.current;
}
