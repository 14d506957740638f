export { startSchedd, poolPaths } from './server.js';
export { buildApp } from './app.js';
export { Schedd } from './schedd.js';
//# sourceMappingURL=index.js.map