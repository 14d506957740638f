export * from './pack.js';
export * from './extract.js';
