import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
export const DEFAULT_EXTRACT_LIMITS = {
    maxEntries: 100_000,
    maxTotalBytes: 64 * 1024 ** 3,
    maxEntryBytes: 64 * 1024 ** 3,
};
export class UnsafeArchiveError extends Error {
    entryName;
    constructor(entryName, message) {
        super(`archive entry '${entryName}': ${message}`);
        this.entryName = entryName;
        this.name = 'UnsafeArchiveError';
    }
}
/** Rejects names that could land outside the destination. Returns the normalised relative path. */
export function safeRelativePath(name) {
    if (name.length === 0 || name.length > 4096)
        throw new UnsafeArchiveError(name, 'bad name length');
    if (name.includes('\0'))
        throw new UnsafeArchiveError(name, 'NUL in name');
    if (name.startsWith('/') || /^[A-Za-z]:/.test(name))
        throw new UnsafeArchiveError(name, 'absolute path');
    const parts = name.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.length === 0)
        throw new UnsafeArchiveError(name, 'empty path');
    if (parts.includes('..'))
        throw new UnsafeArchiveError(name, "'..' in path");
    return parts.join('/');
}
async function assertNoSymlinkParents(root, relative) {
    const parts = relative.split('/').slice(0, -1);
    let current = root;
    for (const part of parts) {
        current = path.join(current, part);
        const stat = await fs.promises.lstat(current).catch(() => undefined);
        if (stat === undefined)
            return;
        if (!stat.isDirectory())
            throw new UnsafeArchiveError(relative, `parent '${part}' is not a directory`);
    }
}
async function removeExisting(target) {
    await fs.promises.rm(target, { recursive: true, force: true });
}
/**
 * Extracts an untrusted tar stream into destDir: no absolute paths, no `..`, no links that point
 * outside, no devices or FIFOs, and limits on entry count and sizes. Existing entries of the same name
 * are replaced (later entries win, which is how SPOOL contents override the original inputs).
 */
export async function extractTarSafely(source, destDir, limits = DEFAULT_EXTRACT_LIMITS) {
    destDir = path.resolve(destDir);
    const extract = tar.extract();
    const result = { topLevelNames: [], files: 0, bytes: 0 };
    const seenTop = new Set();
    let entries = 0;
    await fs.promises.mkdir(destDir, { recursive: true });
    const consume = (async () => {
        for await (const entry of extract) {
            const header = entry.header;
            entries += 1;
            if (entries > limits.maxEntries)
                throw new UnsafeArchiveError(header.name, `more than ${limits.maxEntries} entries`);
            const relative = safeRelativePath(header.name);
            const target = path.join(destDir, relative);
            const top = relative.split('/')[0];
            if (!seenTop.has(top)) {
                seenTop.add(top);
                result.topLevelNames.push(top);
            }
            await assertNoSymlinkParents(destDir, relative);
            const mode = (header.mode ?? 0o644) & 0o777;
            switch (header.type) {
                case 'directory': {
                    const existing = await fs.promises.lstat(target).catch(() => undefined);
                    if (existing && !existing.isDirectory())
                        await removeExisting(target);
                    await fs.promises.mkdir(target, { recursive: true, mode: mode | 0o700 });
                    entry.resume();
                    break;
                }
                case 'file':
                case 'contiguous-file': {
                    const size = header.size ?? 0;
                    if (size > limits.maxEntryBytes)
                        throw new UnsafeArchiveError(header.name, `size ${size} exceeds ${limits.maxEntryBytes}`);
                    if (result.bytes + size > limits.maxTotalBytes)
                        throw new UnsafeArchiveError(header.name, `archive exceeds ${limits.maxTotalBytes} bytes`);
                    await fs.promises.mkdir(path.dirname(target), { recursive: true });
                    await removeExisting(target);
                    await pipeline(entry, fs.createWriteStream(target, { mode: mode | 0o600 }));
                    result.files += 1;
                    result.bytes += size;
                    break;
                }
                case 'symlink': {
                    const linkTarget = header.linkname ?? '';
                    const resolved = path.resolve(path.dirname(target), linkTarget);
                    if (path.isAbsolute(linkTarget) || !(resolved === destDir || resolved.startsWith(destDir + path.sep))) {
                        throw new UnsafeArchiveError(header.name, `symlink to '${linkTarget}' points outside`);
                    }
                    await fs.promises.mkdir(path.dirname(target), { recursive: true });
                    await removeExisting(target);
                    await fs.promises.symlink(linkTarget, target);
                    entry.resume();
                    break;
                }
                default:
                    throw new UnsafeArchiveError(header.name, `entry type '${header.type}' is not allowed`);
            }
        }
    })();
    await Promise.all([pipeline(source, extract), consume]).catch((err) => {
        source.destroy();
        extract.destroy();
        throw err;
    });
    return result;
}
//# sourceMappingURL=extract.js.map