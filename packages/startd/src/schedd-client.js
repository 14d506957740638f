import { Readable } from 'node:stream';
/** HTTP calls a startd makes to its schedd, authenticated with the pool token. */
export class ScheddClient {
    baseUrl;
    token;
    startdName;
    constructor(baseUrl, token, startdName) {
        this.baseUrl = baseUrl;
        this.token = token;
        this.startdName = startdName;
    }
    headers(extra = {}) {
        return { authorization: `Bearer ${this.token}`, 'x-tinycondor-startd': this.startdName, ...extra };
    }
    runUrl(jobId, runId, what) {
        return `${this.baseUrl}/v1/jobs/${jobId}/runs/${runId}/${what}`;
    }
    /** The input sandbox as a tar stream; throws with the schedd's reason when it refuses. */
    async fetchInput(jobId, runId) {
        const response = await fetch(this.runUrl(jobId, runId, 'input'), { headers: this.headers() });
        if (!response.ok || response.body === null)
            throw new TransferRefused(response.status, await errorText(response));
        return Readable.fromWeb(response.body);
    }
    /** Streams a tar of the output sandbox to the schedd. */
    async sendOutput(jobId, runId, tar) {
        const response = await fetch(this.runUrl(jobId, runId, 'output'), {
            method: 'PUT',
            headers: this.headers({ 'content-type': 'application/x-tar' }),
            body: tar,
            duplex: 'half',
        });
        if (!response.ok)
            throw new TransferRefused(response.status, await errorText(response));
        return (await response.json());
    }
}
export class TransferRefused extends Error {
    status;
    constructor(status, reason) {
        super(reason);
        this.status = status;
        this.name = 'TransferRefused';
    }
}
async function errorText(response) {
    const text = await response.text().catch(() => '');
    try {
        const parsed = JSON.parse(text);
        if (typeof parsed.error === 'string')
            return parsed.error;
    }
    catch {
        // not JSON: use the text as it is
    }
    return `HTTP ${response.status}${text ? `: ${text.slice(0, 500)}` : ''}`;
}
//# sourceMappingURL=schedd-client.js.map