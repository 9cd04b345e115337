/**
 * quorate: the Linux high-availability stack as an embeddable TypeScript library.
 * @packageDocumentation
 */
export * from './util/index.js';
