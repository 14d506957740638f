import { Type } from '@sinclair/typebox';
import { extractTarSafely, packEntries } from '@tinycondor/shared/tar/index';
import { InputTransferError, inputEntries } from '../input-files.js';
import { placeOutputs } from '../output-placement.js';
import { ErrorReply } from './schemas.js';
const RunParams = Type.Object({
    jobId: Type.String({ pattern: '^[0-9]{1,9}\\.[0-9]{1,9}$' }),
    runId: Type.Integer({ minimum: 1 }),
});
const StartdHeader = Type.Object({ 'x-tinycondor-startd': Type.String({ minLength: 1, maxLength: 200 }) });
const TransferReply = Type.Object({ files: Type.Integer(), bytes: Type.Integer() });
/** Input and output sandbox transfers: tar streams between schedd and startd, for the current run only. */
export async function transferRoutes(app, opts) {
    const { schedd } = opts;
    app.addContentTypeParser('application/x-tar', (_request, payload, done) => done(null, payload));
    const currentRun = (request) => schedd.currentRun(request.params.jobId, request.params.runId, String(request.headers['x-tinycondor-startd']));
    const transferEvent = (job, transferType, host) => schedd.logTransfer(job, [{ code: 40, cluster: job.cluster, proc: job.proc, time: new Date(), transferType, host }]);
    app.get('/v1/jobs/:jobId/runs/:runId/input', { schema: { params: RunParams, headers: StartdHeader, response: { 409: ErrorReply, 422: ErrorReply } } }, async (request, reply) => {
        const job = currentRun(request);
        if (!job)
            return reply.code(409).send({ error: `run ${request.params.runId} of job ${request.params.jobId} is not current` });
        const executionPoint = `${job.slot}@${job.startd}`;
        let entries;
        try {
            entries = inputEntries(job.ad, schedd.spool.jobDir(job.cluster, job.proc), schedd.spool.committedEntries(job.cluster, job.proc));
        }
        catch (err) {
            if (!(err instanceof InputTransferError))
                throw err;
            const reason = `Transfer input files failure at access point ${schedd.settings.name} while sending files to the execution point ${executionPoint}. Details: ${err.message}`;
            return reply.code(422).send({ error: reason });
        }
        transferEvent(job, 2, `<${executionPoint}>`);
        const { stream, done } = packEntries(entries);
        done.then(() => transferEvent(job, 3), (err) => request.log.warn({ err, jobId: request.params.jobId }, 'input transfer failed'));
        return reply.header('content-type', 'application/x-tar').send(stream);
    });
    app.put('/v1/jobs/:jobId/runs/:runId/output', { schema: { params: RunParams, headers: StartdHeader, response: { 200: TransferReply, 400: ErrorReply, 409: ErrorReply } } }, async (request, reply) => {
        const job = currentRun(request);
        if (!job) {
            request.body.resume();
            return reply.code(409).send({ error: `run ${request.params.runId} of job ${request.params.jobId} is not current` });
        }
        transferEvent(job, 5);
        const staging = schedd.spool.freshStagingDir(job.cluster, job.proc, 'out');
        try {
            const result = await extractTarSafely(request.body, staging);
            placeOutputs(job.ad, staging, result.topLevelNames);
            transferEvent(job, 6);
            return { files: result.files, bytes: result.bytes };
        }
        catch (err) {
            request.log.warn({ err, jobId: request.params.jobId }, 'output transfer failed');
            return reply.code(400).send({ error: `Transfer output files failure: ${err.message}` });
        }
        finally {
            schedd.spool.removeStagingDir(staging);
        }
    });
}
//# sourceMappingURL=transfer.js.map