// Value checks for submit commands. Each returns the normalized value or throws
// RangeError with a message that the caller prefixes with the command's position.

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

export function parseBoolean(value: string): boolean {
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new RangeError(`expected True or False, got "${value}"`);
}

export function isBooleanWord(value: string): boolean {
  const word = value.trim().toLowerCase();
  return TRUE_WORDS.has(word) || FALSE_WORDS.has(word);
}

export function parseInteger(value: string): number {
  const text = value.trim();
  if (!/^[+-]?\d+$/.test(text)) throw new RangeError(`expected an integer, got "${value}"`);
  const number = Number(text);
  if (!Number.isSafeInteger(number)) throw new RangeError(`integer "${value}" is out of range`);
  return number;
}

// Linux numbering, which is what the startd will deliver.
const SIGNALS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8,
  SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
  SIGSTKFLT: 16, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22,
  SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29,
  SIGPWR: 30, SIGSYS: 31,
};

/** HTCondor's fixupKillSigName: a number or a name with or without SIG → "SIGNAME". */
export function normalizeSignal(value: string): string {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const name = Object.keys(SIGNALS).find((key) => SIGNALS[key] === Number(text));
    if (!name) throw new RangeError(`invalid signal ${text}`);
    return name;
  }
  const upper = text.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  if (SIGNALS[name] === undefined) throw new RangeError(`invalid signal ${text}`);
  return name;
}

export function signalNumber(name: string): number | undefined {
  return SIGNALS[name.toUpperCase()];
}

/** A comma/whitespace separated file list, written the way HTCondor's StringList prints it. */
export function normalizeFileList(value: string): string {
  return value
    .split(/[,\s]+/)
    .filter((item) => item !== '')
    .join(',');
}

/** `transfer_output_remaps`: optional outer double quotes; `name = newname` pairs separated by `;`. */
export function normalizeRemaps(value: string): string {
  let text = value.trim();
  if (text.startsWith('"')) {
    if (text.length < 2 || !text.endsWith('"')) throw new RangeError(`unbalanced double quote in "${value}"`);
    text = text.slice(1, -1);
  }
  for (const pair of text.split(';')) {
    if (pair.trim() === '') continue;
    const sides = pair.split('=');
    if (sides.length !== 2 || sides[0]!.trim() === '' || sides[1]!.trim() === '') {
      throw new RangeError(`expected "name = newname" pairs separated by ";", got "${pair.trim()}"`);
    }
  }
  return text;
}

/** HTCondor's ShouldTransferFilesTranslation (enum_utils.cpp): spelling → the value stored in the ad. */
const SHOULD_TRANSFER_FILES: Record<string, 'YES' | 'NO' | 'IF_NEEDED'> = {
  YES: 'YES', TRUE: 'YES', ALWAYS: 'YES',
  NO: 'NO', FALSE: 'NO', NEVER: 'NO',
  IF_NEEDED: 'IF_NEEDED', AUTO: 'IF_NEEDED',
};

/** HTCondor's FileTransferOutputTranslation: spelling → the value stored in the ad (NONE: no output transfer). */
const WHEN_TO_TRANSFER_OUTPUT: Record<string, 'ON_EXIT' | 'ON_EXIT_OR_EVICT' | 'ON_SUCCESS' | 'NONE'> = {
  ON_EXIT_OR_EVICT: 'ON_EXIT_OR_EVICT', ALWAYS: 'ON_EXIT_OR_EVICT',
  ON_EXIT: 'ON_EXIT', ONEXIT: 'ON_EXIT',
  NONE: 'NONE', NULL: 'NONE',
  ON_SUCCESS: 'ON_SUCCESS', ONSUCCESS: 'ON_SUCCESS',
};

export function shouldTransferFilesValue(value: string): 'YES' | 'NO' | 'IF_NEEDED' | undefined {
  const upper = value.trim().toUpperCase();
  return Object.hasOwn(SHOULD_TRANSFER_FILES, upper) ? SHOULD_TRANSFER_FILES[upper] : undefined;
}

export function whenToTransferOutputValue(value: string): 'ON_EXIT' | 'ON_EXIT_OR_EVICT' | 'ON_SUCCESS' | 'NONE' | undefined {
  const upper = value.trim().toUpperCase();
  return Object.hasOwn(WHEN_TO_TRANSFER_OUTPUT, upper) ? WHEN_TO_TRANSFER_OUTPUT[upper] : undefined;
}


/** HTCondor's trim_and_strip_quotes_in_place: one pair of enclosing double quotes is dropped (`""` is an empty list). */
export function stripEnclosingQuotes(value: string): string {
  const text = value.trim();
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}
