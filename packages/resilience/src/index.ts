/**
 * Load and fault tests of the Pilothouse backend (tests only; nothing to
 * import). See README.md.
 *
 * @packageDocumentation
 */
export {};
