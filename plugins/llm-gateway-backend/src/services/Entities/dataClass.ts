import {
  DATA_CLASSES,
  type DataClass,
} from '@pilothouse/plugin-llm-gateway-common';

export function isDataClass(value: unknown): value is DataClass {
  return (
    typeof value === 'string' &&
    (DATA_CLASSES as readonly string[]).includes(value)
  );
}

/**
 * The most sensitive of the classes given (`public` when none): a request's
 * class starts from its entity's and can only be raised by what inspection
 * finds, never lowered by anything the caller says.
 */
export function mostSensitive(
  ...classes: Array<DataClass | undefined>
): DataClass {
  let rank = 0;
  for (const c of classes) {
    if (c !== undefined) rank = Math.max(rank, DATA_CLASSES.indexOf(c));
  }
  return DATA_CLASSES[rank];
}
