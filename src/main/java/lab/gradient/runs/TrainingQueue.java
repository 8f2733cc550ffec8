package lab.gradient.runs;

/**
 * Where queued runs get trained. The queue's state is the {@code runs} table, so another implementation (workers
 * on other machines claiming runs from the same database) can replace the in-process pool.
 */
public interface TrainingQueue extends AutoCloseable {
    /** Starts taking queued runs, those left from before a restart included. */
    void start();

    /** New runs were queued: look now rather than at the next poll. */
    void wake();

    /** Asks a training this queue runs to stop after its current iteration; false if it runs none such. */
    boolean cancelRunning(String trainingId);

    @Override
    void close();
}
