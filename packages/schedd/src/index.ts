export { startSchedd, poolPaths, type ScheddOptions, type RunningSchedd } from './server.js';
export { buildApp } from './app.js';
export { Schedd } from './schedd.js';
export { inputEntries, InputTransferError } from './input-files.js';
export { placeOutputs } from './output-placement.js';
