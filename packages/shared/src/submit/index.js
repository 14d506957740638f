export { SubmitError } from './errors.js';
export { parseSubmitFile, expandProcs } from './submit.js';
export { parseArguments } from './arguments.js';
export { parseEnvironment } from './environment.js';
export { parseSize } from './size.js';
//# sourceMappingURL=index.js.map