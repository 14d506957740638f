// condor_watch_q's usage and -help text, as the original's argparse parser prints them (80 columns)
// (src/condor_scripts/condor_watch_q.in).

export const USAGE = `usage: condor_watch_q [-help] [-debug] [-users USER [USER ...]]
                      [-clusters CLUSTER_ID [CLUSTER_ID ...]]
                      [-larger-than CLUSTER_ID] [-files FILE [FILE ...]]
                      [-batches BATCH_NAME [BATCH_NAME ...]]
                      [-collector COLLECTOR] [-schedd SCHEDD]
                      [-interval INTERVAL]
                      [-exit GROUPER,JOB_STATUS[,EXIT_STATUS]]
                      [-exit-on-key-press] [-groupby {batch,log,cluster}]
                      [-display-exited] [-exited-row-decay TIME[unit]]
                      [-decay-start-at-read] [-table] [-progress]
                      [-row-progress] [-summary]
                      [-summary-type {totals,percentages}] [-updated-at]
                      [-abbreviate] [-color] [-refresh]
`;

export const HELP = `${USAGE}
Track the status of jobs over time without repeatedly querying the condor_schedd.

If no users, cluster ids, event logs, or batch names are given,
condor_watch_q will default to tracking all of the current user's jobs.

By default, condor_watch_q will never exit on its own 
(unless it encounters an error or it is not tracking any jobs).
You can tell it to exit when certain conditions are met. For example,
to exit with status 0 when all of the jobs it is tracking are done
or with status 1 when any job is held, you could run

    condor_watch_q -exit all,done,0 -exit any,held,1

options:
  -help                 Show this help message and exit.
  -debug                Turn on HTCondor debug printing.
  -users USER [USER ...]
                        Which users to track.
  -clusters CLUSTER_ID [CLUSTER_ID ...]
                        Which cluster IDs to track.
  -larger-than CLUSTER_ID
                        Track all jobs with cluster IDs greater than or equal to the specific CLUSTER_ID.
  -files FILE [FILE ...]
                        Which event logs to track.
  -batches BATCH_NAME [BATCH_NAME ...]
                        Which batch names to track.
  -collector COLLECTOR  Which collector to contact to find the schedd, if needed. Defaults to the local collector.
  -schedd SCHEDD        Which schedd to contact for queries, if needed. Defaults to the local schedd.
  -interval INTERVAL    Interval in seconds between refreshes. Default: 0.500000
  -exit GROUPER,JOB_STATUS[,EXIT_STATUS]
                        
                        Specify conditions under which condor_watch_q should exit. 
                        
                        GROUPER is one of {all, any, none}.
                        
                        JOB_STATUS is one of {active, done, idle, held}.
                        
                        The "active" status means "in the queue",
                        and includes jobs in the idle, running, and held states.
                        
                        \`\`EXIT_STATUS\`\` may be any valid exit status integer.
                        
                        To specify multiple exit conditions, pass this option multiple times.
                        condor_watch_q will exit when any of the conditions are satisfied.
  -exit-on-key-press, -no-exit-on-key-press
                        Enable/disable exit by any key press. Enabled by default if connected to a tty
  -groupby {batch,log,cluster}
                        
                        Select what attribute to group jobs by.
                        
                        Note that batch names can only be determined if the tracked jobs were
                        found in the queue; if they were not, a default batch name is used.
  -display-exited, -no-display-exited
                        Enable/disable displaying rows of jobs that have all exited the queue. Enabled by default.
  -exited-row-decay TIME[unit]
                        
                        Time since the last job in a job exited the queue before no
                        longer than being displayed (if -no-display-exited specified).
                        Default time is one week. Unless specified default unit is in
                        weeks.
                        
                        Specifiable units:
                            s = Seconds
                            m = Minutes
                            h = Hours
                            d = Days
                            w = Weeks
                            M = Months
                            y = years
  -decay-start-at-read, -no-decay-start-at-read
                        Start all job exited row display decay timer at event read time rather than event write time. Disabled by default
  -table, -no-table     Enable/disable the table. Enabled by default.
  -progress, -no-progress
                        Enable/disable the progress bar. Enabled by default.
  -row-progress, -no-row-progress
                        Enable/disable the progress bar for each row. Enabled by default.
  -summary, -no-summary
                        Enable/disable the summary line. Enabled by default.
  -summary-type {totals,percentages}
                        Choose what to display on the summary line. By default, show totals.
  -updated-at, -no-updated-at
                        Enable/disable the "updated at" line. Enabled by default.
  -abbreviate, -no-abbreviate
                        Enable/disable abbreviating path components to the shortest somewhat-unique prefix. Disabled by default.
  -color, -no-color     Enable/disable colored output. Enabled by default if connected to a tty. Disabled on Windows if colorama is not available.
  -refresh, -no-refresh
                        Enable/disable refreshing output (instead of appending). Enabled by default if connected to a tty.
`;
