export * from './io/index.js';
export * from './writable/index.js';
export * from './codec/index.js';
export * from './seq/index.js';
export * from './map/index.js';
export * from './convert/index.js';
