package io.watershed.core.subscription;

/**
 * A subscription as an operator sees it, read on its scheduler thread.
 *
 * @param markDelete every position below it is done
 * @param lastCheckpointed the mark-delete position of the last cursor made durable; -1 when none
 * @param readFrontier where the source is read next
 * @param caughtUp whether the last read reached the source's end
 * @param windowFull whether the window is at {@link SubscriptionConfig#maxUnacked()} or its byte
 *     limit, so nothing more is read until its oldest work is done
 * @param window work not done (read, not acknowledged or parked)
 * @param windowBytes the bytes that work holds
 * @param waitingFresh work read and never handed out
 * @param waitingRetry work handed out before and waiting to go again (including replayed parked
 *     entries)
 * @param leased work handed out and not answered
 * @param delayed work negatively acknowledged and waiting for its redelivery delay
 * @param parking work being written to the park sink
 * @param replaying replayed parked entries not done
 * @param delivered hand-outs since the subscription was opened
 * @param parked entries parked since it was opened
 * @param parkedNow entries in the park sink now
 * @param parkFailures park writes that failed (each is tried again)
 * @param checkpointFailures cursor writes that failed (each is tried again)
 * @param lastCheckpointError why the last cursor write failed, or null
 * @param readFailures source reads that failed
 */
public record SubscriptionStats(
    long markDelete,
    long lastCheckpointed,
    long readFrontier,
    boolean caughtUp,
    boolean windowFull,
    int window,
    long windowBytes,
    int waitingFresh,
    int waitingRetry,
    int leased,
    int delayed,
    int parking,
    int replaying,
    long delivered,
    long parked,
    long parkedNow,
    long parkFailures,
    long checkpointFailures,
    String lastCheckpointError,
    long readFailures) {}
