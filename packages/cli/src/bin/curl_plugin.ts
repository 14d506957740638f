import { runMain } from '../cli-error.js';
import { curlPlugin } from '../commands/curl-plugin.js';

runMain(curlPlugin);
