import t from 'tap';
import { builtInEvictCheck, parseInt64Bytes, type EvictCheckRequest } from './evict-checks.js';

const MEMORY_REQUIREMENTS = 'REQUIREMENTS (VacateReasonCode==21 || VacateReasonCode == 34) && VacateReasonSubCode == 102\x1e';
const DISK_REQUIREMENTS = 'REQUIREMENTS (VacateReasonCode==21 || VacateReasonCode == 34) && VacateReasonSubCode == 104\x1e';
const MEMORY_LIST = 'EVALSET RequestMemory RetryRequestMemory[RetryRequestMemoryIndex?:0]\x1eEVALSET RetryRequestMemoryIndex MIN({size(RetryRequestMemory)-1, (RetryRequestMemoryIndex?:0)+1})';

t.test('parse_int64_bytes', async (t) => {
  const cases: [input: string, base: number, separators: string, expected: ReturnType<typeof parseInt64Bytes>][] = [
    ['2GB', 1024 * 1024, '', { value: 2048, unit: 'G', end: 3 }],
    [' 500 MB ', 1024 * 1024, '', { value: 500, unit: 'M', end: 8 }],
    ['400', 1024 * 1024, '', { value: 400, unit: '', end: 3 }],
    ['1.5g', 1024 * 1024, '', { value: 1536, unit: 'g', end: 4 }],
    ['100k', 1024 * 1024, '', { value: 1, unit: 'k', end: 4 }],
    ['80 m', 1024, '', { value: 81920, unit: 'm', end: 4 }],
    ['2G, 8 gb', 1024 * 1024, ',', { value: 2048, unit: 'G', end: 2 }],
    ['2GB 8GB', 1024 * 1024, ',', undefined],
    ['RequestMemory*2', 1024 * 1024, '', undefined],
    ['2 XB', 1024 * 1024, '', undefined],
    // Rounded up toward zero, as C's integer division does: (-5 × base + base - 1) / base.
    ['-5', 1024 * 1024, '', { value: -4, unit: '', end: 2 }],
  ];
  for (const [input, base, separators, expected] of cases) t.same(parseInt64Bytes(input, base, separators), expected, input);
});

const memory = (line: string | undefined, increment?: string): EvictCheckRequest => ({
  attribute: 'RequestMemory',
  command: increment === undefined ? 'retry_request_memory' : 'retry_request_memory_max',
  line,
  ...(increment === undefined ? {} : { increment }),
  current: 1024,
});

// The cases of HTCondor's cmd_submit_regress_dry (retry_mem*.sub, retry_disk*.sub), with request_memory = 1GB.
t.test('SetBuiltInOnEvictCheck: the attributes and transform body', async (t) => {
  const cases: [name: string, request: EvictCheckRequest, attributes: [string, string][], body: string][] = [
    ['retry_request_memory = 2GB', memory('2GB'), [], `${MEMORY_REQUIREMENTS}SET RequestMemory 2048`],
    ['retry_request_memory_max = 2GB', memory('2GB', undefined), [], `${MEMORY_REQUIREMENTS}SET RequestMemory 2048`],
    ['retry_request_memory_increase = 500 MB', memory(undefined, '500 MB'), [], `${MEMORY_REQUIREMENTS}SET RequestMemory 1524`],
    ['retry_request_memory_increase = RequestMemory*2', memory(undefined, 'RequestMemory*2'), [], `${MEMORY_REQUIREMENTS}SET RequestMemory 2048`],
    ['retry_request_memory_increase = RequestMemory*1.5', memory(undefined, 'RequestMemory*1.5'), [], `${MEMORY_REQUIREMENTS}SET RequestMemory 1536`],
    [
      'retry_request_memory_increase = 512MB with retry_request_memory_max = 2GB',
      memory('2GB', '512MB'),
      [['MaxRequestMemory', '2048'], ['NextRequestMemory', 'RequestMemory + 512']],
      `${MEMORY_REQUIREMENTS}EVALSET RequestMemory MIN({NextRequestMemory, MaxRequestMemory})`,
    ],
    [
      'retry_request_memory_increase = RequestMemory*4 with retry_request_memory_max = 16GB',
      memory('16GB', 'RequestMemory*4'),
      [['MaxRequestMemory', '16384'], ['NextRequestMemory', 'RequestMemory * 4']],
      `${MEMORY_REQUIREMENTS}EVALSET RequestMemory MIN({NextRequestMemory, MaxRequestMemory})`,
    ],
    ['retry_request_memory = 2GB, 8GB', memory('2GB, 8GB'), [['RetryRequestMemory', '{ 2048,8192 }']], `${MEMORY_REQUIREMENTS}${MEMORY_LIST}`],
    ['request_memory = 1GB, 2G, 8 gb', { ...memory('2G, 8 gb'), command: 'request_memory' }, [['RetryRequestMemory', '{ 2048,8192 }']], `${MEMORY_REQUIREMENTS}${MEMORY_LIST}`],
    [
      'retry_request_memory = 2GB, MAX({RequestMemory*4, 16000})',
      memory('2GB, MAX({RequestMemory*4, 16000})'),
      [['RetryRequestMemory', '{ 2048,MAX({ RequestMemory * 4,16000 }) }']],
      `${MEMORY_REQUIREMENTS}${MEMORY_LIST}`,
    ],
    ['retry_request_memory = MAX({RequestMemory, MemoryUsage}) * 2', memory('MAX({RequestMemory, MemoryUsage}) * 2'), [], `${MEMORY_REQUIREMENTS}EVALSET RequestMemory MAX({ RequestMemory,MemoryUsage }) * 2`],
    ['retry_request_disk = 20MB', { attribute: 'RequestDisk', command: 'request_disk', line: '20MB', current: 10240 }, [], `${DISK_REQUIREMENTS}SET RequestDisk 20480`],
    [
      'retry_request_disk = 20MB, 80MB',
      { attribute: 'RequestDisk', command: 'request_disk', line: '20MB, 80MB', current: 10240 },
      [['RetryRequestDisk', '{ 20480,81920 }']],
      `${DISK_REQUIREMENTS}EVALSET RequestDisk RetryRequestDisk[RetryRequestDiskIndex?:0]\x1eEVALSET RetryRequestDiskIndex MIN({size(RetryRequestDisk)-1, (RetryRequestDiskIndex?:0)+1})`,
    ],
    ['ON_EVICT_CHECK_RequestMemory_REQUIREMENTS', { ...memory('2GB'), requirements: 'VacateReasonCode == 34' }, [], 'REQUIREMENTS VacateReasonCode == 34\x1eSET RequestMemory 2048'],
  ];
  for (const [name, request, attributes, body] of cases) t.same(builtInEvictCheck(request), { attributes, body, warnings: [] }, name);
  t.equal(builtInEvictCheck(memory(' ')), undefined, 'request_memory = 1GB, (nothing after the comma)');
});

t.test("values condor_submit refuses, in its words", async (t) => {
  const cases: [request: EvictCheckRequest, message: string][] = [
    [memory('4GB, 2GB'), 'retry_request_memory must have an increasing sequence of values, but 2048 is not greater than 4096'],
    [memory('4GB foo('), 'retry_request_memory=4GB foo( is invalid. must be an expression or number'],
    [memory('2GB, (('), 'retry_request_memory=(( is invalid. must be an expression or number'],
    [memory(undefined, '-5'), 'RequestMemory retry increment must be a positive number or an expression that references RequestMemory'],
    [memory(undefined, 'Foo*2'), 'RequestMemory retry increment must be a positive number or an expression that references RequestMemory'],
    [memory(undefined, 'TARGET.RequestMemory*2'), 'RequestMemory retry increment must be a positive number or an expression that references RequestMemory'],
    [memory(undefined, 'RequestMemory * Foo'), 'RequestMemory retry increment (RequestMemory * Foo) must evaluate to an integer at submit time'],
  ];
  for (const [request, message] of cases) t.throws(() => builtInEvictCheck(request), { name: 'Error', message }, message);
});

t.test('SUBMIT_REQUEST_MISSING_UNITS', async (t) => {
  t.same(builtInEvictCheck({ ...memory('2GB, 4000, 8000'), missingUnits: 'warn' })?.warnings, ['retry_request_memory= 4000, 8000 defaults to megabytes, but should contain a units suffix (i.e K, M, G, or T)']);
  t.same(builtInEvictCheck({ ...memory(undefined, '100'), missingUnits: 'warn' })?.warnings, ['RequestMemory retry increment 100 defaults to megabytes, but should contain a units suffix (i.e K, M, G or T)']);
  t.same(builtInEvictCheck({ attribute: 'RequestDisk', command: 'request_disk', line: '20', current: 10, missingUnits: 'warn' })?.warnings, ['request_disk=20 should contain a units suffix (i.e K, M, G, or T)']);
  t.same(builtInEvictCheck({ ...memory('2GB, 4GB'), missingUnits: 'error' })?.warnings, []);
  t.throws(() => builtInEvictCheck({ ...memory('400'), missingUnits: 'ERROR' }), { message: 'retry_request_memory=400 defaults to megabytes, but must contain a units suffix (i.e K, M, G, or T)' });
  t.throws(() => builtInEvictCheck({ ...memory('4, 2'), missingUnits: 'error' }), { message: /must contain a units suffix/ }, 'before the sequence is checked');
});
