import t from 'tap';
import { formatUsageTable, usageAdAttributes } from './usage-table.js';
t.test('no resources, no table', async (t) => {
    t.equal(formatUsageTable({}), '');
});
t.test('columns widen for wide values', async (t) => {
    t.equal(formatUsageTable({ disk: [123456789012, 1, 1] }), '\tPartitionable Resources :        Usage  Request Allocated \n'
        + '\t   Disk (KB)            : 123456789012        1         1 \n');
});
t.test('usage ad attributes behind the table', async (t) => {
    t.same(usageAdAttributes({ memory: [10, 98, 2001], cpus: [null, 1, 1] }), [
        ['Cpus', 1], ['RequestCpus', 1], ['Memory', 2001], ['RequestMemory', 98], ['MemoryUsage', 10],
    ]);
});
//# sourceMappingURL=usage-table.test.js.map