// Job event log (user log) event model, mirroring the event classes of
// HTCondor's src/condor_utils/condor_event.cpp.
/** ULogEventNumberNames of condor_event.cpp, for the event numbers this module writes. */
export const EVENT_NUMBER_NAMES = {
    0: 'ULOG_SUBMIT', 1: 'ULOG_EXECUTE', 2: 'ULOG_EXECUTABLE_ERROR', 3: 'ULOG_CHECKPOINTED',
    4: 'ULOG_JOB_EVICTED', 5: 'ULOG_JOB_TERMINATED', 6: 'ULOG_IMAGE_SIZE', 7: 'ULOG_SHADOW_EXCEPTION',
    8: 'ULOG_GENERIC', 9: 'ULOG_JOB_ABORTED', 10: 'ULOG_JOB_SUSPENDED', 11: 'ULOG_JOB_UNSUSPENDED',
    12: 'ULOG_JOB_HELD', 13: 'ULOG_JOB_RELEASED', 21: 'ULOG_REMOTE_ERROR', 22: 'ULOG_JOB_DISCONNECTED',
    23: 'ULOG_JOB_RECONNECTED', 24: 'ULOG_JOB_RECONNECT_FAILED', 28: 'ULOG_JOB_AD_INFORMATION',
    33: 'ULOG_ATTRIBUTE_UPDATE', 35: 'ULOG_CLUSTER_SUBMIT', 36: 'ULOG_CLUSTER_REMOVE',
    40: 'ULOG_FILE_TRANSFER', 47: 'ULOG_COMMON_FILES',
};
/** MyType of each event's ClassAd form (ULogEvent::toClassAd). */
export const EVENT_MY_TYPES = {
    0: 'SubmitEvent', 1: 'ExecuteEvent', 2: 'ExecutableErrorEvent', 3: 'CheckpointedEvent',
    4: 'JobEvictedEvent', 5: 'JobTerminatedEvent', 6: 'JobImageSizeEvent', 7: 'ShadowExceptionEvent',
    8: 'GenericEvent', 9: 'JobAbortedEvent', 10: 'JobSuspendedEvent', 11: 'JobUnsuspendedEvent',
    12: 'JobHeldEvent', 13: 'JobReleaseEvent', 21: 'RemoteErrorEvent', 22: 'JobDisconnectedEvent',
    23: 'JobReconnectedEvent', 24: 'JobReconnectFailedEvent', 28: 'JobAdInformationEvent',
    33: 'AttributeUpdateEvent', 35: 'ClusterSubmitEvent', 36: 'ClusterRemoveEvent',
    40: 'FileTransferEvent', 47: 'CommonFilesEvent',
};
/** FileTransferEvent::FileTransferEventStrings, indexed by FileTransferType. */
export const FILE_TRANSFER_STRINGS = {
    1: 'Entered queue to transfer input files',
    2: 'Started transferring input files',
    3: 'Finished transferring input files',
    4: 'Entered queue to transfer output files',
    5: 'Started transferring output files',
    6: 'Finished transferring output files',
};
/** ULogEvent::set_reason_member: a one-line field must not break the log's line structure. */
export function oneLine(text) {
    return text.replace(/\n/g, '|').replace(/\r/g, ' ');
}
//# sourceMappingURL=events.js.map