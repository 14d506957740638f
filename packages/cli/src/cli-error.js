/** An error a command reports to its user: printed as it is (no stack), with the command's exit code. */
export class CliError extends Error {
    exitCode;
    constructor(message, exitCode = 1) {
        super(message);
        this.exitCode = exitCode;
        this.name = 'CliError';
    }
}
async function readAll(stream) {
    const chunks = [];
    for await (const chunk of stream)
        chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
}
/** Runs a command as a process: real stdio, exit code, and CliErrors printed without a stack. */
export function runMain(command) {
    const io = {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        env: process.env,
        cwd: process.cwd(),
        readStdin: () => readAll(process.stdin),
    };
    command(process.argv.slice(2), io).then((code) => {
        process.exitCode = code;
    }, (err) => {
        if (err instanceof CliError) {
            process.stderr.write(err.message.endsWith('\n') ? err.message : `${err.message}\n`);
            process.exitCode = err.exitCode;
        }
        else {
            process.stderr.write(`${err.stack ?? String(err)}\n`);
            process.exitCode = 1;
        }
    });
}
//# sourceMappingURL=cli-error.js.map