import { runMain } from '../cli-error.js';
import { tinycondor } from '../commands/tinycondor.js';

runMain(tinycondor);
