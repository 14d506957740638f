// docker_send_credentials: the submitter's docker credentials, made on the submit side by DOCKER_PAT_PRODUCER
// and sent to the execute side (the shadow's CONDOR_get_docker_creds in NTreceivers.cpp), where the starter
// writes them as config.json in a directory of its own that DOCKER_CONFIG names for `docker pull` and
// `docker create` (DockerProc::StartJob, DockerAPI::pullImage and createContainer).

/** The shadow's answer: a docker config.json (its `auths`), or the HTCondorError the starter holds the job with. */
export type DockerCredentialsAnswer = { config: string } | { error: string };

/** The shadow's words when it has no producer to run. */
export const NO_PAT_PRODUCER = 'No DOCKER_PAT_PRODUCER configured on the access point';
/** The shadow's words when the job did not ask for its credentials to be sent. */
export const CREDENTIALS_NOT_REQUESTED = 'Job did not request docker credentials to be sent';
/** The starter's words when the shadow did not answer. */
export const SHADOW_UNREACHABLE = 'Cannot connect to shadow to fetch docker creds';
/** How long the shadow lets the producer run (run_command's timeout). */
export const PAT_PRODUCER_TIMEOUT_SECONDS = 120;

/**
 * CONDOR_get_docker_creds: the producer's stdout (a JSON object, read as a ClassAd) and how it ended, as the
 * answer. A producer that failed gives its HTCondorError, or a generic one; one that succeeded without an
 * object gives another. An HTCondorError in a successful answer is what the starter holds the job with too.
 */
export function patProducerAnswer(exitedZero: boolean, stdout: string): DockerCredentialsAnswer {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(stdout);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) parsed = value as Record<string, unknown>;
  } catch {
    // not JSON: an empty ad, as ClassAdJsonParser leaves it
  }
  const error = parsed.HTCondorError;
  if (!exitedZero) return { error: typeof error === 'string' ? error : 'Cannot parse output of docker pat producer' };
  if (Object.keys(parsed).length === 0) return { error: 'Cannot parse json emitted by docker pat producer' };
  if (typeof error === 'string' && error !== '') return { error };
  return { config: JSON.stringify(parsed) };
}
