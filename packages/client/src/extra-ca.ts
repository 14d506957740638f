import fs from 'node:fs';
import tls from 'node:tls';

/**
 * The CAs a TLS connection of a condor_* command trusts: node's bundled roots plus the certificates of
 * NODE_EXTRA_CA_CERTS, as node's default would be. Node did not load that file itself: the bin script
 * moved it aside while node started (see launch.cts), so it is read here, only when a connection needs it.
 * A file that cannot be read is ignored with node's own warning. Undefined: node's default is right.
 */
export function trustedCas(env: NodeJS.ProcessEnv, warn: (text: string) => void): string[] | undefined {
  const file = env.NODE_EXTRA_CA_CERTS;
  if (!file) return undefined;
  let extra: string;
  try {
    extra = fs.readFileSync(file, 'utf8');
  } catch (err) {
    warn(`Warning: Ignoring extra certs from \`${file}\`, load failed: ${(err as Error).message}\n`);
    return undefined;
  }
  return [...tls.rootCertificates, extra];
}
