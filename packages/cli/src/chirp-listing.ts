// How condor_chirp (src/condor_chirp/condor_chirp.cpp) prints what getlongdir returns: chirp_getdir's strtok
// loop over the lines, get_stat's thirteen numbers and print_stat's fields, times as ctime() writes them.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** ctime(): "Thu Jan  1 00:00:00 1970\n", in local time. */
export function ctime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}\n`;
}

const STAT_FIELDS = ['device', 'inode', 'mode', 'nlink', 'uid', 'gid', 'rdevice', 'size', 'blksize', 'blocks'] as const;

/** get_stat: the thirteen numbers of a stat line (sscanf "%ld" each), or undefined when fewer parse. */
export function parseStatLine(line: string): number[] | undefined {
  const numbers: number[] = [];
  let rest = line;
  for (let i = 0; i < 13; i++) {
    const match = /^\s*([+-]?\d+)/.exec(rest);
    if (!match) return undefined;
    numbers.push(Number(match[1]));
    rest = rest.slice(match[0].length);
  }
  return numbers;
}

/** print_stat with its `lead`. */
export function printStat(numbers: readonly number[], lead: string): string {
  const fields = STAT_FIELDS.map((name, i) => `${lead}${name}: ${numbers[i]}\n`).join('');
  return `${fields}${lead}atime: ${ctime(numbers[10])}${lead}mtime: ${ctime(numbers[11])}${lead}ctime: ${ctime(numbers[12])}`;
}

/** chirp_getdir -l's output for a getlongdir buffer: each name, then its stat fields led by a tab. */
export function longListingOutput(buffer: string): string {
  // strtok(buffer, "\n"): the non-empty lines.
  const lines = buffer.split('\n').filter((line) => line !== '');
  let out = '';
  for (let i = 0; i < lines.length; i += 2) {
    out += `${lines[i]}\n`;
    const stat = i + 1 < lines.length ? parseStatLine(lines[i + 1]) : undefined;
    if (stat === undefined) break;
    out += printStat(stat, '\t');
  }
  return out;
}
