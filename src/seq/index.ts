export * from './constants.js';
export * from './header.js';
export * from './raw-record.js';
export * from './reader.js';
export * from './writer.js';
export * from './dump.js';
export * from './split.js';
export * from './codec-pool.js';
