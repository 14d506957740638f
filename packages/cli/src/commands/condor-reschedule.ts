import type { Command } from '../cli-error.js';
import { loadPoolConfig } from '../pool-config.js';
import { connectSchedd } from '../schedd-connection.js';

/** condor_reschedule: ask the schedd to match idle jobs now (it also does so on every state change). */
export const condorReschedule: Command = async (_args, io) => {
  const api = connectSchedd(loadPoolConfig(io.env, io.stderr));
  await api.reschedule();
  io.stdout('Sent "Reschedule" command to local schedd\n');
  return 0;
};
