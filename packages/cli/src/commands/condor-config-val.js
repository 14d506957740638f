import { CliError } from '../cli-error.js';
import { loadPoolConfig } from '../pool-config.js';
/** condor_config_val NAME…: the pool's configuration values, macros expanded. */
export const condorConfigVal = async (args, io) => {
    const names = args.filter((a) => !a.startsWith('-'));
    const unknown = args.find((a) => a.startsWith('-'));
    if (unknown)
        throw new CliError(`ERROR: unsupported option ${unknown}\nUsage: condor_config_val <name>...`);
    if (names.length === 0)
        throw new CliError('Usage: condor_config_val <name>...');
    const pool = loadPoolConfig(io.env);
    let missing = false;
    for (const name of names) {
        const value = pool.value(name);
        if (value === undefined) {
            io.stderr(`Not defined: ${name}\n`);
            missing = true;
        }
        else
            io.stdout(`${value}\n`);
    }
    return missing ? 1 : 0;
};
//# sourceMappingURL=condor-config-val.js.map