export { startSchedd, poolPaths, type ScheddOptions, type RunningSchedd } from './server.js';
export { buildApp } from './app.js';
export { Schedd } from './schedd.js';
