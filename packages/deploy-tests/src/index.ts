/**
 * Tests of deploy/kubernetes, deploy/helm and packages/backend/Dockerfile;
 * nothing to import. The helpers are in `__testUtils__`, the tests beside
 * this file.
 *
 * @packageDocumentation
 */
export {};
