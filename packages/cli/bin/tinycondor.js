#!/usr/bin/env -S node --no-concurrent-marking
// The daemons run without V8's concurrent marking: every 64 KiB of an upload arrives as a new Buffer, and
// with concurrent marking V8 answers that external memory with a full mark-compact every ~60 MB (about 40 %
// of the schedd's CPU while a 1 GiB checkpoint streams in); without it, scavenges free the chunks.
require('../dist/launch.cjs').launch('tinycondor');
