export { SubmitError } from './errors.js';
export type { SubmitContext } from './context.js';
export { parseSubmitFile, expandProcs, forEachProc, forEachProcOverlay, type ParsedSubmit } from './submit.js';
export { parseArguments } from './arguments.js';
export { parseEnvironment } from './environment.js';
export { parseSize } from './size.js';
export { MacroUsage } from './usage.js';
