export { startSchedd, poolPaths, type ScheddOptions, type RunningSchedd } from './server.js';
export { buildApp } from './app.js';
export { QueueInUse } from './db.js';
export { Schedd, type SpoolCommit } from './schedd.js';
