import { runMain } from '../cli-error.js';
import { condorTransferData } from '../commands/condor-transfer-data.js';

runMain(condorTransferData);
