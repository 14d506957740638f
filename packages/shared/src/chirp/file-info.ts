// What a job's logical file name maps to on the submit side: the shadow's pseudo_get_file_info_new
// (src/condor_shadow.V6.1/pseudo_ops.cpp), which the I/O proxy asks for each `open` and `lookup`
// (io_proxy_handler.cpp), from the job's FileRemaps, LocalFiles, FetchFiles, CompressFiles, AppendFiles,
// BufferFiles, BufferSize and BufferBlockSize (submit's file_remaps, local_files, …).
import type { AdReader } from '../proc-ad-view.js';
import { matchesWithWildcard } from '../wildcard.js';

/** MAX_REMAP_RECURSIONS' default (filename_remap_find's param_integer). */
export const DEFAULT_MAX_REMAP_RECURSIONS = 128;

/** C isspace. */
const isCSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';

/**
 * copy_upto: the text from `at` up to the first `delim` not escaped by a backslash (the backslash dropped),
 * without leading or trailing whitespace, and where the delimiter is (undefined at the end of the text).
 */
function copyUpto(text: string, at: number, delim: string): { value: string; next: number | undefined } {
  let value = '';
  let trimmedEnd = 0;
  let escape = false;
  let leading = true;
  let i = at;
  for (;;) {
    if (i >= text.length) return { value: value.slice(0, trimmedEnd), next: undefined };
    const c = text[i];
    if (c === '\\' && !escape && text[i + 1] === delim) {
      escape = true;
      i++;
    } else if (c === delim && !escape) {
      return { value: value.slice(0, trimmedEnd), next: i };
    } else if (isCSpace(c) && leading) {
      i++;
    } else {
      leading = false;
      escape = false;
      value += c;
      i++;
      if (!isCSpace(c)) trimmedEnd = value.length;
    }
  }
}

/** filename_split: the directory (`.` without a slash) and the name after the last slash; whether there was one. */
export function filenameSplit(file: string): { dir: string; name: string; split: boolean } {
  const slash = file.lastIndexOf('/');
  return slash < 0 ? { dir: '.', name: file, split: false } : { dir: file.slice(0, slash), name: file.slice(slash + 1), split: true };
}

/**
 * filename_remap_find: the rule `name = target; …` whose name is `filename` (found again in the rules until
 * none maps the result), or, failing that, the rule for its directory (recursively) with its last entry
 * appended. `found` is -1 when the recursion goes over `maxLevels` (a cycle), with `output` saying where.
 */
export function filenameRemapFind(rules: string, filename: string, maxLevels = DEFAULT_MAX_REMAP_RECURSIONS, level = 0): { found: -1 | 0 | 1; output: string } {
  if (level > maxLevels) return { found: -1, output: '<abort>' };
  // eat_space: tabs and newlines go, spaces stay.
  const text = rules.replace(/[\t\n]/g, '');
  let output = '';
  let found = false;
  let p: number | undefined = 0;
  while (p !== undefined) {
    const start: number = p;
    const name = copyUpto(text, p, '=');
    if (name.next === undefined) break;
    const semi = name.value.indexOf(';');
    if (semi >= 0) {
      // A field with no '=' before the next one: skipped (by its offset in the copy, as the shadow does).
      p = start + semi + 1;
      continue;
    }
    const target = copyUpto(text, name.next + 1, ';');
    if (name.value === filename) {
      output = target.value;
      found = true;
      break;
    }
    p = target.next === undefined ? undefined : target.next + 1;
  }
  if (found) {
    const again = filenameRemapFind(rules, output, maxLevels, level + 1);
    if (again.found === -1) return { found: -1, output: `<${level}: ${filename}>${again.output}` };
    return { found: 1, output: again.found === 1 ? again.output : output };
  }
  const { dir, name, split } = filenameSplit(filename);
  if (!split) return { found: 0, output: '' };
  const parent = filenameRemapFind(rules, dir, maxLevels, level + 1);
  if (parent.found === -1) return { found: -1, output: `<${level}: ${filename}>${parent.output}` };
  return parent.found === 1 ? { found: 1, output: `${parent.output}/${name}` } : { found: 0, output: '' };
}

/** attr_list_has_file: the job's list (`a, b*`) names the path or its last entry. */
function listHasFile(ad: AdReader, attribute: string, fullPath: string): boolean {
  const list = (ad.getString(attribute) ?? '').split(/[, \t\r\n]+/).filter((item) => item !== '');
  const name = fullPath.slice(fullPath.lastIndexOf('/') + 1);
  return list.some((pattern) => matchesWithWildcard(pattern, fullPath)) || list.some((pattern) => matchesWithWildcard(pattern, name));
}

/** fullpath: `/…`, `\…` and a drive's `X:/…` or `X:\…` are full paths, on every platform. */
const isFullPath = (file: string): boolean => /^[/\\]/.test(file) || /^[^]:[/\\]/.test(file);

/** complete_path: a path that is not full taken from the Iwd. */
function completePath(iwd: string, file: string): string {
  return isFullPath(file) ? file : `${iwd}/${file}`;
}

/** append_buffer_info: `buffer:` (with BufferFiles' `(size,block)` when it gives both) for what is buffered. */
function bufferInfo(ad: AdReader, method: string, fullPath: string, maxRemapLevels: number): string {
  if (fullPath.startsWith('/dev/')) return '';
  // pseudo_get_buffer_info: negative sizes are 0, the block no bigger than the buffer.
  const size = Math.max(ad.getInt('BufferSize') ?? 0, 0);
  const block = Math.min(Math.max(ad.getInt('BufferBlockSize') ?? 0, 0), size);
  const buffered = ad.getString('BufferFiles');
  if (buffered !== undefined) {
    const name = filenameSplit(fullPath).name;
    const { found, output } = [fullPath, name]      .map((file) => filenameRemapFind(buffered, file, maxRemapLevels))
      .find((hit) => hit.found !== 0) ?? { found: 0, output: '' };
    // sscanf "(%d,%d)": both numbers given, the text is added as it is.
    if (found !== 0) return /^\(\s*[+-]?\d+,\s*[+-]?\d+/.test(output) ? `buffer:${output}` : 'buffer:';
  }
  return size > 0 && block > 0 && method !== 'local' ? 'buffer:' : '';
}

/**
 * pseudo_get_file_info_new: the URL the shadow gives a job's logical file name. A FileRemaps rule for the
 * name, its last entry or its full path (from the Iwd) is taken first: a target with a `:` is the URL as it
 * is, another is the file. The file is then `local:` (/dev/null, /dev/zero, LocalFiles) or `remote:`, after
 * the `fetch:`, `compress:`, `buffer:` and `append:` its lists ask for.
 */
export function fileInfoUrl(ad: AdReader, iwd: string, logicalName: string, maxRemapLevels = DEFAULT_MAX_REMAP_RECURSIONS): string {
  let fullPath = completePath(iwd, logicalName);
  const remaps = ad.getString('FileRemaps');
  if (remaps !== undefined) {
    const hit = [logicalName, filenameSplit(logicalName).name, fullPath].map((file) => filenameRemapFind(remaps, file, maxRemapLevels)).find((found) => found.found !== 0);
    if (hit !== undefined) {
      if (hit.output.includes(':')) return hit.output;
      fullPath = completePath(iwd, hit.output);
    }
  }
  const method = fullPath === '/dev/null' || fullPath === '/dev/zero' || listHasFile(ad, 'LocalFiles', fullPath) ? 'local' : 'remote';
  let url = '';
  if (listHasFile(ad, 'FetchFiles', fullPath)) url += 'fetch:';
  if (listHasFile(ad, 'CompressFiles', fullPath)) url += 'compress:';
  url += bufferInfo(ad, method, fullPath, maxRemapLevels);
  if (listHasFile(ad, 'AppendFiles', fullPath)) url += 'append:';
  return `${url}${method}:${fullPath}`;
}

/**
 * The path the proxy's open asks the shadow to open for a URL: without its `remote:` or `buffer:remote:`
 * prefix; any other URL (`local:…`, `fetch:remote:…`) as it is, which the shadow then opens as a relative
 * path from the Iwd.
 */
export function openPathOfUrl(url: string): string {
  if (url.startsWith('remote:')) return url.slice('remote:'.length);
  if (url.startsWith('buffer:remote:')) return url.slice('buffer:remote:'.length);
  return url;
}
