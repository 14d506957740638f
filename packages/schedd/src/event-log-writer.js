import fs from 'node:fs';
import { XML_LOG_PROLOGUE } from '@tinycondor/shared/eventlog/index';
/**
 * Drains the event outbox into the jobs' user logs. Each event is appended with one write, so a reader
 * polling the log sees whole events only. A row is deleted after its write, so a crash in between
 * repeats that one event rather than losing it.
 */
export class EventLogWriter {
    log;
    pending;
    remove;
    scheduled = false;
    constructor(db, log) {
        this.log = log;
        this.pending = db.prepare('SELECT seq, log_path, text FROM event_outbox ORDER BY seq LIMIT 500');
        this.remove = db.prepare('DELETE FROM event_outbox WHERE seq = ?');
    }
    /** Flush soon, after the current burst of transitions. */
    schedule() {
        if (this.scheduled)
            return;
        this.scheduled = true;
        setImmediate(() => {
            this.scheduled = false;
            this.flush();
        });
    }
    flush() {
        for (;;) {
            const rows = this.pending.all();
            if (rows.length === 0)
                return;
            for (const row of rows) {
                try {
                    this.append(row.log_path, row.text);
                }
                catch (err) {
                    // An unwritable log must not stop the queue; HTCondor likewise logs the failure and goes on.
                    this.log.warn({ err, logPath: row.log_path }, 'cannot write job event log; event dropped');
                }
                this.remove.run(row.seq);
            }
        }
    }
    append(logPath, text) {
        const isXml = text.startsWith('<c>');
        const fd = fs.openSync(logPath, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o644);
        try {
            const prologue = isXml && fs.fstatSync(fd).size === 0 ? XML_LOG_PROLOGUE : '';
            fs.writeSync(fd, prologue + text);
        }
        finally {
            fs.closeSync(fd);
        }
    }
}
//# sourceMappingURL=event-log-writer.js.map