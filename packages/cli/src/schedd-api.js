import fs from 'node:fs';
import { CliError } from './cli-error.js';
/** The schedd's REST API as the condor_* commands use it. */
export class ScheddApi {
    baseUrl;
    token;
    constructor(baseUrl, token) {
        this.baseUrl = baseUrl;
        this.token = token;
    }
    static fromConfig(pool) {
        const url = pool.value('SCHEDD_URL');
        const tokenFile = pool.value('TINYCONDOR_TOKEN_FILE');
        if (!url || !tokenFile)
            throw new CliError(`ERROR: ${pool.file} does not name SCHEDD_URL and TINYCONDOR_TOKEN_FILE`);
        let token;
        try {
            token = fs.readFileSync(tokenFile, 'utf8').trim();
        }
        catch (err) {
            throw new CliError(`ERROR: cannot read the pool token ${tokenFile}: ${err.message}`);
        }
        return new ScheddApi(url.replace(/\/+$/, ''), token);
    }
    async request(method, path, body) {
        let response;
        try {
            response = await fetch(`${this.baseUrl}${path}`, {
                method,
                headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
                body: body === undefined ? undefined : JSON.stringify(body),
            });
        }
        catch (err) {
            const cause = err.cause?.code ?? err.message;
            throw new CliError(`ERROR: Can't connect to the schedd at ${this.baseUrl} (${cause}). Is the pool running?`);
        }
        const text = await response.text();
        let parsed;
        try {
            parsed = text === '' ? {} : JSON.parse(text);
        }
        catch {
            throw new CliError(`ERROR: the schedd answered ${response.status} with a body that is not JSON`);
        }
        if (!response.ok) {
            const message = parsed.error ?? parsed.message ?? text;
            throw new ScheddRefused(response.status, message);
        }
        return parsed;
    }
}
export class ScheddRefused extends CliError {
    status;
    constructor(status, message) {
        super(`ERROR: ${message}`);
        this.status = status;
    }
}
//# sourceMappingURL=schedd-api.js.map