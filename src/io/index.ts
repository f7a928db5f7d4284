export * from './errors.js';
export * from './limits.js';
export * from './byte-reader.js';
export * from './byte-writer.js';
export * from './vint.js';
export * from './utf8.js';
export * from './source.js';
export * from './sink.js';
