export * from './pack.js';
export * from './extract.js';
//# sourceMappingURL=index.js.map