export * from './pack.js';
export * from './extract.js';
export * from './checkpoint-base.js';
