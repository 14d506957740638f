// Container jobs in the submit language: `universe = docker` / `container` and the images they name
// (HTCondor's SubmitHash::SetUniverse, SetExecutable, SetContainerSpecial and SetRequirements).

/** What runs a job: the host (vanilla), or a container, and from which kind of image. */
export type ContainerKind = 'docker' | 'container' | undefined;

/** How HTCondor reads a container_image (SubmitHash::image_type_from_string). */
export type ContainerImageType = 'docker-repo' | 'sif' | 'sandbox';

/** image_type_from_string: `docker:` prefix, `.sif` suffix, anything else a sandbox directory. */
export function containerImageType(image: string): ContainerImageType {
  const trimmed = image.trim();
  if (trimmed.startsWith('docker:')) return 'docker-repo';
  if (trimmed.endsWith('.sif')) return 'sif';
  return 'sandbox';
}

/** check_container_image's refusals: Apptainer-only URL schemes, which no starter can pull as an image. */
export function isValidContainerImage(image: string): boolean {
  return image !== '' && !['instance://', 'library://', 'shub://'].some((prefix) => image.startsWith(prefix));
}

/**
 * tinycondor's startds run container images through Docker only: an image HTCondor hands to Apptainer
 * (a .sif file or a sandbox directory) is refused at submit, where the real pool would run it only on
 * execution points with Apptainer (HasSIF / HasSandboxImage), which a tinycondor pool never has.
 */
export function apptainerImageRefusal(image: string, type: ContainerImageType): string | undefined {
  if (type === 'docker-repo') return undefined;
  const what = type === 'sif' ? 'a Singularity/Apptainer image file (.sif)' : 'an Apptainer sandbox directory (an image without a docker:// prefix)';
  return (
    `container_image ${image} names ${what}, which HTCondor runs with Apptainer; tinycondor runs container jobs ` +
    `with Docker only and has no Apptainer, so the job could never start here. For a Docker image, write container_image = docker://${image.replace(/^\/+/, '')}`
  );
}

/** The image a Docker engine is given: DockerImage as written, or ContainerImage without its docker:// scheme. */
export function dockerImageReference(dockerImage: string | undefined, containerImage: string | undefined): string | undefined {
  if (dockerImage !== undefined && dockerImage !== '') return dockerImage;
  if (containerImage === undefined || containerImage === '') return undefined;
  return containerImage.startsWith('docker://') ? containerImage.slice('docker://'.length) : containerImage;
}

/** DockerProc's normalizeDockerImageTag: `:latest` added when the reference names no tag and no digest. */
export function normalizeDockerImageTag(image: string): string {
  if (image.includes('@')) return image;
  const finalComponent = image.slice(image.lastIndexOf('/') + 1);
  return finalComponent.includes(':') ? image : `${image}:latest`;
}

/** Networks every Docker engine has, which SetRequirements does not make a job require of the machine. */
const BUILTIN_NETWORKS = new Set(['host', 'none', 'nat']);

/**
 * The clauses SetRequirements appends for a container job (HTCondor also adds TARGET.Arch, which
 * tinycondor does for no universe): the machine must run Docker (docker universe) or containers from
 * a Docker repository (container universe), and offer any network beyond host/none/nat the job names.
 */
export function containerRequirements(kind: Exclude<ContainerKind, undefined>, networkType: string | undefined): string {
  if (kind === 'container') return 'TARGET.HasContainer && TARGET.HasDockerURL';
  let clauses = 'TARGET.HasDocker';
  if (networkType !== undefined && networkType !== '' && !BUILTIN_NETWORKS.has(networkType)) {
    clauses += ' && StringListMember(My.DockerNetworkType, TARGET.DockerNetworks)';
  }
  return clauses;
}
