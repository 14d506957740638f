import fs from 'node:fs';
import { configValue, parseCondorConfig } from '@tinycondor/shared/condor-config';
import { CliError } from './cli-error.js';
/** The pool's configuration, found like HTCondor's tools find theirs: through CONDOR_CONFIG. */
export function loadPoolConfig(env) {
    const file = env.CONDOR_CONFIG;
    if (!file) {
        throw new CliError('ERROR: CONDOR_CONFIG is not set. Start a pool with `npx tinycondor pool --home DIR` and\n' +
            'export CONDOR_CONFIG=DIR/condor_config (the pool prints the exact line when it is ready).');
    }
    let text;
    try {
        text = fs.readFileSync(file, 'utf8');
    }
    catch (err) {
        throw new CliError(`ERROR: cannot read CONDOR_CONFIG file ${file}: ${err.message}`);
    }
    let config;
    try {
        config = parseCondorConfig(text, file);
    }
    catch (err) {
        throw new CliError(`ERROR: ${err.message}`);
    }
    return { file, config, value: (name) => configValue(config, name) };
}
//# sourceMappingURL=pool-config.js.map