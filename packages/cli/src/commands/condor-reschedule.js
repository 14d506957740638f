import { loadPoolConfig } from '../pool-config.js';
import { ScheddApi } from '../schedd-api.js';
/** condor_reschedule: ask the schedd to match idle jobs now (it also does so on every state change). */
export const condorReschedule = async (_args, io) => {
    const api = ScheddApi.fromConfig(loadPoolConfig(io.env));
    await api.request('POST', '/v1/reschedule');
    io.stdout('Sent "Reschedule" command to local schedd\n');
    return 0;
};
//# sourceMappingURL=condor-reschedule.js.map