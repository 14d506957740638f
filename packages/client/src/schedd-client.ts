import type http from 'node:http';
import type WebSocket from 'ws';
import {
  ActionReply,
  AdsReply,
  QueueReply,
  EditReply,
  FaultReply,
  JobAdReply,
  OkReply,
  ReserveReply,
  RunAttributeReply,
  DockerCredentialsReply,
  type SignUrlsBody,
  SignUrlsReply,
  RunDirectoryReply,
  RunFileCallReply,
  type RunDescriptorReadQuery,
  type RunDescriptorWriteQuery,
  type RunFileCallBody,
  RunFileWrittenReply,
  RunStdinReadReply,
  RunStreamReply,
  SubmissionReply,
  SubmitReply,
  TailReply,
  TimelineReply,
  TokenReply,
  TotalsReply,
  TransferReply,
  UserPrioReply,
  type ActionBody,
  type ActionName,
  type BulkActionBody,
  type EditBody,
  type EvictBody,
  type FailCheckpointBody,
  type PriorityBody,
  type TailQuery,
  type UserPrioBody,
} from '@tinycondor/shared/rest-schemas';
import { Transport, type Headers, type TarBody, type TransportOptions } from './transport.js';

export interface ScheddClientOptions extends TransportOptions {
  /**
   * A startd's transfers: the seq of the last run report the schedd must handle before a transfer of
   * `runId` (0: none pending), so a run's state changes there in the order the startd saw (ReportOrder).
   */
  reportsBefore?: (runId: string) => number;
}

/** Query parameters of the ad listings (`GET /v1/jobs`, `GET /v1/history`). */
export interface AdsQuery {
  constraint?: string | undefined;
  limit?: number | undefined;
}

/**
 * The queue's: the cluster ads too, or only them (condor_q -factory); only the jobs of the caller (myJobs: this
 * user's name); the summary without the ads (condor_q -totals).
 */
export interface JobAdsQuery extends AdsQuery {
  clusterAds?: 'include' | 'only' | undefined;
  myJobs?: string | undefined;
  summaryOnly?: boolean | undefined;
}

/** The history's: where its newest-first scan stops (-since), or oldest first (-forwards); ads read at most (-scanlimit). */
export interface HistoryAdsQuery extends AdsQuery {
  since?: string | undefined;
  forwards?: boolean | undefined;
  scanLimit?: number | undefined;
  scanCounted?: string | undefined;
}

/**
 * The schedd's REST API (docs/rest-api.md), one method per route a client calls. Each JSON reply is
 * checked against its route's schema in rest-schemas.ts, so a caller gets the type the schedd promised
 * or a ScheddReplyInvalid naming the field.
 */
export class ScheddClient {
  private readonly transport: Transport;
  private readonly reportsBefore: (runId: string) => number;
  /** The key the schedd's welcome gave this startd; a transfer presents it to show whose run it is. */
  startdKey: string | undefined;

  constructor(options: ScheddClientOptions) {
    this.transport = new Transport(options);
    this.reportsBefore = options.reportsBefore ?? (() => 0);
  }

  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  reserveCluster() {
    return this.transport.json('POST', '/v1/clusters', ReserveReply);
  }

  /** Stores a cluster's procs; `body` is a SubmitBody already serialized (the caller checks its size first). */
  submitProcs(clusterId: number, body: string) {
    return this.transport.json('POST', `/v1/clusters/${clusterId}/procs`, SubmitReply, body);
  }

  /** Stores a cluster's job factory (late materialization); `body` is a FactoryBody already serialized. */
  submitFactory(clusterId: number, body: string) {
    return this.transport.json('POST', `/v1/clusters/${clusterId}/factory`, SubmitReply, body);
  }

  /** After a lost reply to submitProcs: whether the schedd stored that submission (one not stored is given up). */
  settleSubmission(clusterId: number) {
    return this.transport.json('POST', `/v1/clusters/${clusterId}/settle`, SubmissionReply);
  }

  jobs(query: JobAdsQuery = {}) {
    return this.transport.json('GET', `/v1/jobs${queryString(query)}`, QueueReply);
  }

  history(query: HistoryAdsQuery = {}) {
    return this.transport.json('GET', `/v1/history${queryString(query)}`, AdsReply);
  }

  job(jobId: string) {
    return this.transport.json('GET', `/v1/jobs/${jobId}`, JobAdReply);
  }

  totals() {
    return this.transport.json('GET', '/v1/jobs/totals', TotalsReply);
  }

  /** The slots' ads (condor_status). */
  status() {
    return this.transport.json('GET', '/v1/status', AdsReply);
  }

  act(body: BulkActionBody) {
    return this.transport.json('POST', '/v1/actions', ActionReply, JSON.stringify(body));
  }

  actOnJob(jobId: string, action: ActionName, body: ActionBody = {}) {
    return this.transport.json('POST', `/v1/jobs/${jobId}/${action}`, ActionReply, JSON.stringify(body));
  }

  actOnCluster(clusterId: number, action: ActionName, body: ActionBody = {}) {
    return this.transport.json('POST', `/v1/clusters/${clusterId}/${action}`, ActionReply, JSON.stringify(body));
  }

  priority(body: PriorityBody) {
    return this.transport.json('POST', '/v1/priority', ActionReply, JSON.stringify(body));
  }

  userPrio() {
    return this.transport.json('GET', '/v1/userprio', UserPrioReply);
  }

  editUserPrio(body: UserPrioBody) {
    return this.transport.json('POST', '/v1/userprio', OkReply, JSON.stringify(body));
  }

  edit(body: EditBody) {
    return this.transport.json('POST', '/v1/edit', EditReply, JSON.stringify(body));
  }

  reschedule() {
    return this.transport.json('POST', '/v1/reschedule', OkReply);
  }

  createToken(user: string) {
    return this.transport.json('POST', '/v1/tokens', TokenReply, JSON.stringify({ user }));
  }

  evict(jobId: string, body: EvictBody) {
    return this.transport.json('POST', `/v1/jobs/${jobId}/faults/evict`, FaultReply, JSON.stringify(body));
  }

  failNextCheckpoint(jobId: string, body: FailCheckpointBody) {
    return this.transport.json('POST', `/v1/jobs/${jobId}/faults/fail-next-checkpoint`, FaultReply, JSON.stringify(body));
  }

  startdFault(name: string, fault: 'kill' | 'disconnect') {
    return this.transport.json('POST', `/v1/startds/${name}/faults/${fault}`, FaultReply);
  }

  /** condor_tail: bytes of a file of a running job's sandbox. */
  tail(jobId: string, query: TailQuery) {
    const params = new URLSearchParams({ file: query.file, maxBytes: String(query.maxBytes) });
    if (query.offset !== undefined) params.set('offset', String(query.offset));
    return this.transport.json('GET', `/v1/jobs/${jobId}/tail?${params}`, TailReply);
  }

  timeline(jobId: string) {
    return this.transport.json('GET', `/v1/jobs/${jobId}/timeline`, TimelineReply);
  }

  /** Uploads a job's input sandbox (a tar) into its SPOOL directory (condor_submit -spool). */
  spoolInput(jobId: string, tar: TarBody) {
    return this.transport.upload(`/v1/jobs/${jobId}/spool`, tar, TransferReply);
  }

  /** A completed spooled job's output, as a tar stream. */
  spooledOutput(jobId: string): Promise<http.IncomingMessage> {
    return this.transport.stream(`/v1/jobs/${jobId}/spool/output`);
  }

  /** The output is in place: the job may leave the queue. */
  outputFetched(jobId: string) {
    return this.transport.json('POST', `/v1/jobs/${jobId}/spool/output/fetched`, OkReply);
  }

  /** The schedd's copy of a spooled event log from `offset` on; its size in the x-tinycondor-log-size header. */
  userLog(path: string, offset: number): Promise<http.IncomingMessage> {
    return this.transport.stream(`/v1/user-log?path=${encodeURIComponent(path)}&offset=${offset}`);
  }

  /** The websocket behind condor_ssh_to_job (ws is loaded only when needed). */
  async sshSocket(jobId: string): Promise<WebSocket> {
    const { default: WebSocketClass } = await import('ws');
    const ca = this.transport.trustedCas;
    return new WebSocketClass(`${this.baseUrl.replace(/^http/, 'ws')}/v1/jobs/${jobId}/ssh`, {
      headers: { authorization: this.transport.authorization },
      ...(ca ? { ca } : {}),
    });
  }

  /** A run's input sandbox as a tar stream. */
  fetchInput(jobId: string, runId: string): Promise<http.IncomingMessage> {
    return this.transport.stream(`/v1/jobs/${jobId}/runs/${runId}/input`, this.runHeaders(runId));
  }

  /** docker_send_credentials: the job owner's docker config.json for the run's image pull, or the schedd's HTCondorError. */
  dockerCredentials(jobId: string, runId: string) {
    return this.transport.json('GET', `/v1/jobs/${jobId}/runs/${runId}/docker-credentials`, DockerCredentialsReply, undefined, this.runHeaders(runId));
  }

  /** s3:// and gs:// URLs of the run presigned by the schedd ('' for one it does not sign), or the hold the transfer fails with. */
  signRunUrls(jobId: string, runId: string, body: SignUrlsBody) {
    return this.transport.json('POST', `/v1/jobs/${jobId}/runs/${runId}/sign-urls`, SignUrlsReply, JSON.stringify(body), this.runHeaders(runId));
  }

  /** Streams a tar of a run's output sandbox to the schedd. */
  sendOutput(jobId: string, runId: string, tar: TarBody) {
    return this.transport.upload(`/v1/jobs/${jobId}/runs/${runId}/output`, tar, TransferReply, this.runHeaders(runId));
  }

  /**
   * Sends a checkpoint (or the files sent at eviction, or a failed checkpoint's FAILURE file) to be committed into the job's SPOOL directory; `base`:
   * the committed checkpoint an incremental checkpoint builds on (a 412 says it is not the committed one).
   */
  sendCheckpoint(jobId: string, runId: string, kind: 'checkpoint' | 'evict' | 'failed-checkpoint', checkpointNumber: number, tar: TarBody, base?: number) {
    const query = kind === 'evict' ? '?kind=evict' : `?kind=${kind}&number=${checkpointNumber}${base === undefined ? '' : `&base=${base}`}`;
    return this.transport.upload(`/v1/jobs/${jobId}/runs/${runId}/checkpoint${query}`, tar, TransferReply, this.runHeaders(runId));
  }

  /** condor_chirp set_job_attr of a run's job (a ScheddRefused 403: not allowed; 400: not a valid attribute or value). */
  setRunJobAttr(jobId: string, runId: string, name: string, value: string) {
    return this.transport.json('POST', `/v1/jobs/${jobId}/runs/${runId}/attributes`, OkReply, JSON.stringify({ name, value }), this.runHeaders(runId));
  }

  /** condor_chirp get_job_attr: the attribute's expression text, UNDEFINED when the job has none. */
  async getRunJobAttr(jobId: string, runId: string, name: string): Promise<string> {
    return (await this.transport.json('GET', `/v1/jobs/${jobId}/runs/${runId}/attributes/${encodeURIComponent(name)}`, RunAttributeReply, undefined, this.runHeaders(runId))).value;
  }

  /**
   * Chirp's getfile: the bytes of a file on the submit side, read with the job owner's rights (a
   * ScheddRefused 422 carries the errno: see runFileErrno).
   */
  getRunFile(jobId: string, runId: string, path: string): Promise<Buffer> {
    return this.transport.bytes(`/v1/jobs/${jobId}/runs/${runId}/files?path=${encodeURIComponent(path)}`, this.runHeaders(runId));
  }

  /** Chirp's putfile: the file created (`mode`) or truncated on the submit side, then `data` written into it; how much was. */
  async putRunFile(jobId: string, runId: string, path: string, mode: number, data: Buffer): Promise<number> {
    const url = `/v1/jobs/${jobId}/runs/${runId}/files?path=${encodeURIComponent(path)}&mode=${mode}`;
    return (await this.transport.octets('PUT', url, RunFileWrittenReply, data, this.runHeaders(runId))).written;
  }

  /** Chirp's unlink of a file on the submit side. */
  removeRunFile(jobId: string, runId: string, path: string) {
    return this.transport.json('DELETE', `/v1/jobs/${jobId}/runs/${runId}/files?path=${encodeURIComponent(path)}`, OkReply, undefined, this.runHeaders(runId));
  }

  /** Chirp's getdir (getlongdir when `long`): the listing the shadow sends. */
  async getRunDirectory(jobId: string, runId: string, path: string, long: boolean): Promise<string> {
    const url = `/v1/jobs/${jobId}/runs/${runId}/directory?path=${encodeURIComponent(path)}${long ? '&long=true' : ''}`;
    return (await this.transport.json('GET', url, RunDirectoryReply, undefined, this.runHeaders(runId))).listing;
  }

  /** A Chirp path or descriptor call (open, stat, mkdir, …) carried out on the submit side for the run (a ScheddRefused 422 carries the errno). */
  runFileCall(jobId: string, runId: string, body: RunFileCallBody): Promise<RunFileCallReply> {
    return this.transport.json('POST', `/v1/jobs/${jobId}/runs/${runId}/file-calls`, RunFileCallReply, JSON.stringify(body), this.runHeaders(runId));
  }

  /** Chirp's read, pread or sread on a descriptor the run opened: the bytes read. */
  readRunDescriptor(jobId: string, runId: string, fd: number, query: RunDescriptorReadQuery): Promise<Buffer> {
    return this.transport.bytes(`/v1/jobs/${jobId}/runs/${runId}/descriptors/${fd}?${descriptorQuery(query)}`, this.runHeaders(runId));
  }

  /** Chirp's write, pwrite or swrite on a descriptor the run opened: how many bytes were written. */
  async writeRunDescriptor(jobId: string, runId: string, fd: number, query: RunDescriptorWriteQuery, data: Buffer): Promise<number> {
    const url = `/v1/jobs/${jobId}/runs/${runId}/descriptors/${fd}?${descriptorQuery(query)}`;
    return (await this.transport.octets('PUT', url, RunFileWrittenReply, data, this.runHeaders(runId))).written;
  }

  /** stream_output/stream_error: opens the job's submit-side file (truncated, or appended to); where the stream goes on. */
  async openRunStream(jobId: string, runId: string, stream: 'stdout' | 'stderr', truncate: boolean): Promise<number> {
    return (await this.transport.json('POST', `/v1/jobs/${jobId}/runs/${runId}/streams/${stream}/open`, RunStreamReply, JSON.stringify({ truncate }), this.runHeaders(runId))).offset;
  }

  /** Bytes of a streamed stdout/stderr written at `offset` of the submit-side file; where the next go. */
  async writeRunStream(jobId: string, runId: string, stream: 'stdout' | 'stderr', offset: number, data: Buffer): Promise<number> {
    const body = JSON.stringify({ offset, data: data.toString('base64') });
    return (await this.transport.json('POST', `/v1/jobs/${jobId}/runs/${runId}/streams/${stream}/write`, RunStreamReply, body, this.runHeaders(runId))).offset;
  }

  /** stream_input: up to `length` bytes of the job's submit-side input file from `offset`; none at its end. */
  async readRunStdin(jobId: string, runId: string, offset: number, length: number): Promise<Buffer> {
    const body = JSON.stringify({ offset, length });
    return Buffer.from((await this.transport.json('POST', `/v1/jobs/${jobId}/runs/${runId}/stdin/read`, RunStdinReadReply, body, this.runHeaders(runId))).data, 'base64');
  }

  /** condor_chirp ulog: a generic event in the job's event log. */
  runUlog(jobId: string, runId: string, text: string) {
    return this.transport.json('POST', `/v1/jobs/${jobId}/runs/${runId}/ulog`, OkReply, JSON.stringify({ text }), this.runHeaders(runId));
  }

  /** Chirp's constrain: AgentRequirements set and ANDed into the job's Requirements. */
  runConstrain(jobId: string, runId: string, expr: string) {
    return this.transport.json('POST', `/v1/jobs/${jobId}/runs/${runId}/constrain`, OkReply, JSON.stringify({ expr }), this.runHeaders(runId));
  }

  private runHeaders(runId: string): Headers {
    return {
      ...(this.startdKey === undefined ? {} : { 'x-tinycondor-startd-key': this.startdKey }),
      'x-tinycondor-after-report': String(this.reportsBefore(runId)),
    };
  }
}

function descriptorQuery(query: Partial<RunDescriptorReadQuery>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  return params.toString();
}

function queryString(query: HistoryAdsQuery & JobAdsQuery): string {
  const params = new URLSearchParams();
  if (query.constraint !== undefined) params.set('constraint', query.constraint);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.clusterAds !== undefined) params.set('clusterAds', query.clusterAds);
  if (query.since !== undefined) params.set('since', query.since);
  if (query.forwards === true) params.set('forwards', 'true');
  if (query.scanLimit !== undefined) params.set('scanLimit', String(query.scanLimit));
  if (query.scanCounted !== undefined) params.set('scanCounted', query.scanCounted);
  if (query.myJobs !== undefined) params.set('myJobs', query.myJobs);
  if (query.summaryOnly === true) params.set('summaryOnly', 'true');
  return params.size > 0 ? `?${params.toString()}` : '';
}
