import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
/**
 * Streams the entries (files, and directories recursively) as a tar archive. The archive is written
 * while it is read, so memory stays bounded whatever the size of the files.
 */
export function packEntries(entries) {
    const pack = tar.pack();
    const result = { files: 0, bytes: 0 };
    const addFile = async (name, source, stat) => {
        const entry = pack.entry({ name, size: stat.size, mode: stat.mode & 0o777, mtime: stat.mtime, type: 'file' });
        await pipeline(fs.createReadStream(source), entry);
        result.files += 1;
        result.bytes += stat.size;
    };
    const addPath = async (name, source) => {
        const stat = await fs.promises.lstat(source);
        if (stat.isDirectory()) {
            pack.entry({ name: `${name}/`, type: 'directory', mode: stat.mode & 0o777, mtime: stat.mtime });
            const children = await fs.promises.readdir(source);
            children.sort();
            for (const child of children)
                await addPath(`${name}/${child}`, path.join(source, child));
        }
        else if (stat.isSymbolicLink()) {
            const target = await fs.promises.readlink(source);
            pack.entry({ name, type: 'symlink', linkname: target, mode: 0o777, mtime: stat.mtime });
        }
        else if (stat.isFile()) {
            await addFile(name, source, stat);
        }
    };
    const done = (async () => {
        try {
            for (const entry of entries)
                await addPath(entry.name, entry.source);
            pack.finalize();
            return result;
        }
        catch (err) {
            pack.destroy(err);
            throw err;
        }
    })();
    // The consumer learns of failures through the stream; keep the promise from being reported unhandled.
    done.catch(() => undefined);
    return { stream: pack, done };
}
//# sourceMappingURL=pack.js.map